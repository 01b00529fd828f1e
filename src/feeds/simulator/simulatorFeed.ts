/**
 * The built-in simulated market as a {@link Feed}: works offline, the default for the demo.
 * Paces a {@link MarketSimulator} in real time with one batched timer: every `batchMs` it writes
 * all events whose simulated time has come (at `speed` simulated seconds per wall second), so
 * event times are the simulated clock. Candle history comes from the simulator's generated past
 * plus its live bars; a 24h ticker snapshot goes out every `tickerMs`.
 */
import { EngineError } from '../../engine/engineError';
import { MarketEvent } from '../../engine/events';
import { parseTimeframe, TimeframeError, type Timeframe } from '../../engine/candles/timeframe';
import type { MarketFacts } from '../../engine/protocol';
import type { Feed, FeedSink, FeedTarget, TickerSnapshot } from '../feed';
import { FeedOpenError } from '../feedOpenError';
import { MarketSimulator, type SimulatorOptions } from './marketSimulator';
import { Figures24h } from './simulatedPast';

/** The exchange name the simulator answers to. */
export const SIMULATOR_EXCHANGE = 'simulator';
/** The symbol the demo opens. */
export const SIMULATOR_SYMBOL = 'SIM/USDT';
/** Every simulated symbol starts with this (the simulator refuses real markets' names). */
const SIMULATOR_BASE = 'SIM/';

export interface SimulatorFeedOptions {
  /** Same seed, same market. */
  seed: number;
  /** Simulated seconds per wall second (0 < speed ≤ 1000). */
  speed: number;
  /** Timer period, ms: events that came due are delivered in one batch per tick. */
  batchMs: number;
  /** Wall ms between ticker snapshots. */
  tickerMs: number;
  /** Most events delivered in one tick; after a stall the simulated clock falls behind instead of flooding. */
  maxEventsPerBatch: number;
  /** Wall clock, ms. */
  now: () => number;
  /** Overrides of the simulated market (rates, price, volatility); seed, symbol, start and history size come from here and the target. */
  market: Partial<SimulatorOptions>;
}

export const DEFAULT_SIMULATOR_FEED_OPTIONS: Readonly<SimulatorFeedOptions> = {
  seed: 1,
  speed: 1,
  batchMs: 50,
  tickerMs: 1000,
  maxEventsPerBatch: 20_000,
  now: () => Date.now(),
  market: {},
};

/** Most history bars the simulator generates per timeframe. */
const MAX_HISTORY_BARS = 5000;

export class SimulatorFeed implements Feed {
  readonly name = 'simulator';
  readonly options: Readonly<SimulatorFeedOptions>;
  /** Requests refused (unsupported timeframe). */
  rejected = 0;

  private simulator: MarketSimulator | null = null;
  private sink: FeedSink | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private timeframe: Timeframe = '1m';
  private historyBars = 1000;
  private speed: number;
  /** Simulated time at wall time `wallAnchor`. */
  private simAnchor = 0;
  private wallAnchor = 0;
  private lastTickerWall = -Infinity;
  private readonly event = new MarketEvent();
  private readonly figures = new Figures24h();

  /** Throws EngineError('badParameter') for a speed, period or batch size out of range. */
  constructor(options: Partial<SimulatorFeedOptions> = {}) {
    this.options = { ...DEFAULT_SIMULATOR_FEED_OPTIONS, ...options };
    checkSpeed(this.options.speed);
    if (!(this.options.batchMs >= 1 && this.options.batchMs <= 10_000)) throw new EngineError('badParameter', `simulator: batchMs must be in 1..10000, got ${this.options.batchMs}`);
    if (!(this.options.tickerMs >= 1)) throw new EngineError('badParameter', `simulator: tickerMs must be ≥ 1, got ${this.options.tickerMs}`);
    if (!(Number.isInteger(this.options.maxEventsPerBatch) && this.options.maxEventsPerBatch >= 1)) {
      throw new EngineError('badParameter', `simulator: maxEventsPerBatch must be an integer ≥ 1, got ${this.options.maxEventsPerBatch}`);
    }
    this.speed = this.options.speed;
  }

  /**
   * Builds the simulated market (its past included: tens of ms, O(history bars)). History bars
   * above 5000 are capped. Rejects with a readable message on a bad target or options.
   */
  open(target: FeedTarget): Promise<MarketFacts> {
    if (this.closed) return Promise.reject(new Error('the simulator feed is closed'));
    if (this.simulator !== null) return Promise.reject(new Error('the simulator feed is already open'));
    if (target.exchange !== SIMULATOR_EXCHANGE) {
      return Promise.reject(new Error(`the simulator serves exchange "${SIMULATOR_EXCHANGE}", not "${target.exchange}"`));
    }
    if (typeof target.symbol !== 'string' || target.symbol.trim() === '') return Promise.reject(new Error('the simulator needs a symbol name, e.g. SIM/USDT'));
    // Its prices must never pass for a real market's: it lists only SIM/… symbols.
    if (!target.symbol.startsWith(SIMULATOR_BASE)) {
      return Promise.reject(new FeedOpenError(`the simulator lists only ${SIMULATOR_BASE}… symbols such as ${SIMULATOR_SYMBOL}; ${target.symbol} is a real market: open it on a live exchange`, false));
    }
    const timeframe = parseTimeframe(target.timeframe);
    if (timeframe instanceof TimeframeError) return Promise.reject(timeframe);
    if (!(Number.isFinite(target.historyBars) && target.historyBars >= 1)) {
      return Promise.reject(new Error(`history bars must be a number ≥ 1, got ${String(target.historyBars)}`));
    }
    this.timeframe = timeframe;
    this.historyBars = Math.min(MAX_HISTORY_BARS, Math.floor(target.historyBars));
    try {
      this.simulator = new MarketSimulator({
        ...this.options.market,
        seed: this.options.seed,
        symbol: target.symbol.trim(),
        startTime: this.options.now(),
        historyBars: this.historyBars,
      });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const sim = this.simulator;
    return Promise.resolve({
      exchange: SIMULATOR_EXCHANGE,
      symbol: sim.options.symbol,
      tickSize: sim.options.tickSize,
      pricePrecision: sim.prices.decimals(),
      amountPrecision: sim.amounts.decimals(),
    });
  }

  /**
   * Sends status, history and a ticker, then the snapshot, then events on a timer. Returns at
   * once. O(history rows) now; then O(events due) per tick, allocating only the 1/s ticker.
   */
  start(sink: FeedSink): void {
    if (this.closed || this.timer !== null) return;
    this.sink = sink;
    const sim = this.simulator;
    if (sim === null) {
      sink.status({ state: 'error', detail: 'the simulator was started before it was opened', value: 0, polled: [] });
      return;
    }
    this.simAnchor = sim.nextTime();
    this.wallAnchor = this.options.now();
    sink.status({ state: 'live', detail: this.statusDetail(), value: 0, polled: [] });
    sink.history(this.timeframe, sim.history(this.timeframe, this.historyBars));
    this.tick();
    this.timer = setInterval(() => this.tick(), this.options.batchMs);
  }

  /** Sends history of `timeframe`: the generated past and the live bars so far. O(held bars). */
  changeTimeframe(timeframe: string): void {
    const parsed = parseTimeframe(timeframe);
    if (parsed instanceof TimeframeError) {
      this.rejected++;
      return;
    }
    this.timeframe = parsed;
    if (this.sink !== null && this.simulator !== null && !this.closed) this.sink.history(parsed, this.simulator.history(parsed, this.historyBars));
  }

  /**
   * The generated past of `timeframe` before `before`: up to `bars` rows next to it, `'none'`
   * before the start of the past. O(bars of the past's level); allocates the rows.
   */
  loadOlder(timeframe: string, before: number, bars: number): Promise<number[][] | 'none'> {
    const parsed = parseTimeframe(timeframe);
    if (parsed instanceof TimeframeError) return Promise.reject(parsed);
    if (this.simulator === null || this.closed) return Promise.reject(new Error('the simulator feed is not running'));
    const rows = this.simulator.history(parsed, Infinity);
    let end = 0;
    while (end < rows.length && rows[end]![0]! < before) end++;
    return Promise.resolve(end === 0 ? 'none' : rows.slice(Math.max(0, end - bars), end));
  }

  /** Changes the pace (simulated seconds per wall second) from now on. Throws EngineError('badParameter') out of (0, 1000]. */
  setSpeed(speed: number): void {
    checkSpeed(speed);
    if (this.simulator !== null && this.timer !== null) {
      const now = this.options.now();
      this.simAnchor = this.simTarget(now);
      this.wallAnchor = now;
      this.sink?.status({ state: 'live', detail: this.statusDetail(speed), value: 0, polled: [] });
    }
    this.speed = speed;
  }

  /**
   * Sends a fresh snapshot after the current order event (the book chain continues from it).
   * For a session whose engine lost the book; the Feed contract has no such request yet. O(1).
   */
  requestSnapshot(): void {
    this.simulator?.requestSnapshot();
  }

  /** Stops the timer. Idempotent. O(1). */
  close(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.sink = null;
    return Promise.resolve();
  }

  /** One batch: every event due by now, and a ticker when its period has passed. Never throws. */
  private tick(): void {
    const sim = this.simulator;
    const sink = this.sink;
    if (sim === null || sink === null || this.closed) return;
    try {
      const now = this.options.now();
      const target = this.simTarget(now);
      const event = this.event;
      let delivered = 0;
      while (sim.nextTime() <= target && delivered < this.options.maxEventsPerBatch) {
        sim.step(event);
        sink.event(event);
        delivered++;
      }
      // Behind after a stall (sleep, debugger): let the simulated clock fall behind rather than flood.
      if (delivered === this.options.maxEventsPerBatch) {
        this.simAnchor = sim.nextTime();
        this.wallAnchor = now;
      }
      if (now - this.lastTickerWall >= this.options.tickerMs) {
        this.lastTickerWall = now;
        sink.ticker(this.ticker(sim));
      }
    } catch (error) {
      // Not expected (the simulator and the sink do not throw); stop rather than loop on it.
      if (this.timer !== null) clearInterval(this.timer);
      this.timer = null;
      sink.status({ state: 'error', detail: `simulator stopped: ${error instanceof Error ? error.message : String(error)}`, value: 0, polled: [] });
    }
  }

  private simTarget(now: number): number {
    return this.simAnchor + (now - this.wallAnchor) * this.speed;
  }

  private ticker(sim: MarketSimulator): TickerSnapshot {
    const f = sim.figures24h(this.figures);
    const last = sim.lastTradePrice;
    return {
      symbol: sim.options.symbol,
      last,
      open24h: f.open,
      high24h: f.high,
      low24h: f.low,
      volume24h: f.volume,
      changePercent24h: f.open > 0 ? ((last - f.open) / f.open) * 100 : NaN,
      time: Math.floor(sim.time),
    };
  }

  private statusDetail(speed = this.speed): string {
    return `simulated market (seed ${this.options.seed}${speed === 1 ? '' : `, ${speed}×`})`;
  }
}

function checkSpeed(speed: number): void {
  if (!(speed > 0 && speed <= 1000)) throw new EngineError('badParameter', `simulator: speed must be in (0, 1000], got ${String(speed)}`);
}
