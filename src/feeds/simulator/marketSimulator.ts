/**
 * A seeded, step-wise simulated market: the core of the simulator feed. Pure (no timers, no I/O):
 * `step(out)` writes the next event into a caller-owned {@link MarketEvent}, exactly what a
 * Binance spot feed delivers: a depth snapshot first, then depth diffs chained by update ids
 * (`U == previous u + 1`), trades with their taker side, and a bookTicker after every diff.
 *
 * The model (one order event at a time, Poisson arrivals):
 * - A latent fair price moves as a random walk whose volatility clusters
 *   ({@link VolatilityProcess}: EGARCH-like, stepped per second); order activity rises with it.
 * - Limit orders are placed around the fair price, most near it, some far (depth up to ~4% of
 *   price), bigger further out, and more of them on round prices (multiples of 0.10 and 1.00 at a
 *   0.01 tick). A limit order priced through the other side trades first (marketable).
 * - Cancels take part or all of a level, at distances drawn like placements.
 * - Market orders lean toward the fair price, have log-normal sizes with occasional large ones
 *   (which walk several levels and move the fair price), and trade level by
 *   level from the touch; a fill may print as two trades (two makers).
 * So the book's price follows the fair price through its own order flow: trades happen only at
 * the touch, and the book never crosses.
 *
 * Sizes are whole lots and prices whole ticks inside; events carry exact decimals.
 * Same seed and options, same event sequence.
 */
import { EngineError } from '../../engine/engineError';
import { EventKindCounts } from '../../engine/eventCounts';
import { EventKind, type MarketEvent, type TakerSide } from '../../engine/events';
import type { Timeframe } from '../../engine/candles/timeframe';
import { DecimalGrid } from './decimalGrid';
import { SeededRandom } from './seededRandom';
import { Figures24h, SimulatedPast } from './simulatedPast';
import { TickBook } from './tickBook';
import { DEFAULT_VOLATILITY_SHAPE, VolatilityProcess, type VolatilityShape } from './volatilityProcess';

export interface SimulatorOptions {
  /** Same seed, same market. Integer part modulo 2^32. */
  seed: number;
  /** Symbol written on events. */
  symbol: string;
  /** Time of the first live event, ms (rounded down to a second); the past ends here. */
  startTime: number;
  /** Price the market starts near. */
  initialPrice: number;
  /** Price step; an integer or 1/integer. The model is tuned for a tick of ~1 bp of price. */
  tickSize: number;
  /** Amount step; an integer or 1/integer. */
  amountStep: number;
  /** Average depth diffs per second at average activity. Must be at least `tradesPerSecond`. */
  diffsPerSecond: number;
  /** Average trades per second at average activity. */
  tradesPerSecond: number;
  /** Average (RMS) standard deviation of 1-minute log returns, e.g. 0.0008 = 8 bp. */
  minuteVolatility: number;
  /** Bars of every timeframe the generated past holds (1..5000). */
  historyBars: number;
  volatility: VolatilityShape;
}

export const DEFAULT_SIMULATOR_OPTIONS: Readonly<SimulatorOptions> = {
  seed: 1,
  symbol: 'SIM/USDT',
  startTime: Date.UTC(2024, 0, 1),
  initialPrice: 100,
  tickSize: 0.01,
  amountStep: 0.001,
  diffsPerSecond: 20,
  tradesPerSecond: 10,
  minuteVolatility: 0.0008,
  historyBars: 1000,
  volatility: DEFAULT_VOLATILITY_SHAPE,
};

/**
 * Order-flow constants. Sizes are in quote currency at the initial price (converted to lots once),
 * distances in ticks at a 1 bp tick (scaled to the actual price/tick ratio).
 */
const FLOW = {
  /** Market orders per trade print (a fill may print twice; marketable limits print too). */
  takersPerTrade: 0.62,
  /** Order events per diff: some cancels find no level to cancel. */
  ordersPerDiff: 1.03,
  /** Of the order events that are not market orders: share of limit adds (the rest cancel). */
  limitShare: 0.56,
  /** Placement: share drawn near the fair price (geometric, mean below), in ticks. */
  nearShare: 0.6,
  /** Cancels: share drawn near the touch (the rest spread like placements). */
  cancelNearShare: 0.2,
  nearMeanTicks: 1.0,
  /** Placement: the rest spread up to this depth with density falling as d^(1/exp - 1). */
  depthTicks: 400,
  depthExponent: 2.2,
  /** Cancels reach a bit deeper, so orders stranded by a move are cleared eventually. */
  cancelDepthFactor: 1.4,
  /** Cancel: the whole level with this probability, else a uniform share ≥ the minimum. */
  cancelWholeShare: 0.2,
  cancelMinShare: 0.25,
  /** Limit order notional at the touch (median), growth with distance, dispersion. */
  limitMedianNotional: 600,
  limitGrowthTicks: 10,
  limitGrowthPower: 0.8,
  limitSigma: 0.8,
  /** Round prices: every 100 ticks (1.00) and every 10 ticks (0.10), with size boosts. */
  roundCoarseTicks: 100,
  roundCoarseShare: 0.05,
  roundCoarseBoost: 5,
  roundFineTicks: 10,
  roundFineShare: 0.12,
  roundFineBoost: 2,
  /** Market order notional (median) and dispersion. */
  takerMedianNotional: 100,
  takerSigma: 1.0,
  /** Large market orders: share, size multiple range, share of their walk that moves the fair price. */
  largeShare: 0.005,
  largeMinMultiple: 15,
  largeMaxMultiple: 60,
  largeImpact: 0.3,
  /** Width (ticks) of the logistic that makes market orders lean toward the fair price. */
  leanTicks: 1.5,
  /** A market order takes at most this share of the other side's lots, and stops at this many levels. */
  maxTakeShare: 0.3,
  minLevels: 40,
  /** Probability that a fill at one level prints as two trades. */
  makerSplitShare: 0.35,
  /** Initial book: share of levels filled, and size relative to an order there. */
  initialFillShare: 0.85,
  initialSizeMultiple: 2,
  /** Seconds the market runs before the start, unseen, to settle its book. */
  warmupSeconds: 300,
  /** Fair price stays within ×/÷ this of the initial price (reflected). */
  priceRange: 20,
  /** Share of the 1-minute variance carried by the fair price; order flow (large orders' impact, bounce) adds the rest. */
  fairVarianceShare: 0.8,
  /** Traded volume per second relative to market-order volume (marketable limits add some). */
  volumeCalibration: 1.15,
} as const;

/** Counters of what the simulator produced. */
export class SimulatorStats {
  /** Events written, by kind. */
  readonly byKind = new EventKindCounts();
  marketOrders = 0;
  largeOrders = 0;
  limitOrders = 0;
  /** Limit orders priced through the other side (they traded first). */
  marketableLimits = 0;
  cancels = 0;
  /** Moves of the book window (with the price). */
  recenters = 0;
  /** Far levels left behind by a move and removed when the window moved (in diffs, like cancels). */
  strandedLevels = 0;
}

/** Staged trade prints of one order event, written out one per step. */
class PrintQueue {
  ticks: Float64Array = new Float64Array(64);
  lots: Float64Array = new Float64Array(64);
  sides: Float64Array = new Float64Array(64);
  count = 0;
  read = 0;

  push(tick: number, lots: number, side: number): void {
    if (this.count === this.ticks.length) {
      this.ticks = grow(this.ticks);
      this.lots = grow(this.lots);
      this.sides = grow(this.sides);
    }
    this.ticks[this.count] = tick;
    this.lots[this.count] = lots;
    this.sides[this.count] = side;
    this.count++;
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

export class MarketSimulator {
  readonly options: Readonly<SimulatorOptions>;
  readonly stats = new SimulatorStats();
  readonly prices: DecimalGrid;
  readonly amounts: DecimalGrid;
  /** Simulated time, ms (fractional inside; events carry whole ms). */
  time: number;
  /** Final update id of the last diff (or of the snapshot before any). */
  lastUpdateId = 1_000_000;
  /** Price of the last trade written. */
  lastTradePrice = NaN;

  private readonly rng: SeededRandom;
  private readonly volatility: VolatilityProcess;
  private readonly book: TickBook;
  private readonly past: SimulatedPast;
  private readonly prints = new PrintQueue();
  private readonly figures = new Figures24h();

  /** Average log volatility per second of the traded price, and of the fair price. */
  private readonly secondVolatility: number;
  private readonly fairSecondVolatility: number;
  private logFair: number;
  private readonly logFairMin: number;
  private readonly logFairMax: number;
  /** Σ √dt·z of the fair price's shocks in the current second (the EGARCH feedback). */
  private shockSum = 0;
  private nextSecond: number;
  private nextOrderTime: number;
  private lastTradeId = 0;

  /** Per-second rates at average activity. */
  private readonly takerRate: number;
  private readonly limitRate: number;
  private readonly eventRate: number;
  /** Price-scaled shape: ticks per 1 bp, depths in ticks, sizes in lots. */
  private readonly depthTicks: number;
  private readonly cancelDepthTicks: number;
  private readonly nearMeanTicks: number;
  private readonly growthTicks: number;
  private readonly limitMedianLots: number;
  private readonly takerMedianLots: number;
  private readonly leanTicks: number;

  private snapshotDue = true;
  private diffDue = false;
  private tickerDue = false;

  /** Validates options (EngineError 'badParameter'), builds and warms up the book, generates the past. O(history bars + warm-up events). */
  constructor(options: Partial<SimulatorOptions> = {}) {
    const o = { ...DEFAULT_SIMULATOR_OPTIONS, ...options, volatility: { ...DEFAULT_VOLATILITY_SHAPE, ...options.volatility } };
    validate(o);
    this.options = o;
    this.prices = new DecimalGrid(o.tickSize);
    this.amounts = new DecimalGrid(o.amountStep);
    this.rng = new SeededRandom(o.seed);
    this.volatility = new VolatilityProcess(o.volatility, this.rng);
    this.volatility.drawStationary();

    const ticksPerBp = o.initialPrice / o.tickSize / 10_000;
    this.depthTicks = Math.max(20, Math.round(FLOW.depthTicks * ticksPerBp));
    this.cancelDepthTicks = Math.round(this.depthTicks * FLOW.cancelDepthFactor);
    this.nearMeanTicks = Math.max(0.5, FLOW.nearMeanTicks * ticksPerBp);
    this.growthTicks = FLOW.limitGrowthTicks * ticksPerBp;
    this.leanTicks = FLOW.leanTicks * ticksPerBp;
    this.limitMedianLots = Math.max(1, this.amounts.steps(FLOW.limitMedianNotional / o.initialPrice));
    this.takerMedianLots = Math.max(1, this.amounts.steps(FLOW.takerMedianNotional / o.initialPrice));

    this.takerRate = o.tradesPerSecond * FLOW.takersPerTrade;
    this.eventRate = o.diffsPerSecond * FLOW.ordersPerDiff;
    this.limitRate = (this.eventRate - this.takerRate) * FLOW.limitShare;
    this.secondVolatility = o.minuteVolatility / Math.sqrt(60);
    this.fairSecondVolatility = this.secondVolatility * Math.sqrt(FLOW.fairVarianceShare);
    this.logFair = Math.log(o.initialPrice);
    this.logFairMin = this.logFair - Math.log(FLOW.priceRange);
    this.logFairMax = this.logFair + Math.log(FLOW.priceRange);

    const start = Math.floor(o.startTime / 1000) * 1000;
    this.time = start - FLOW.warmupSeconds * 1000;
    this.nextSecond = this.time + 1000;
    const fairTick = o.initialPrice / o.tickSize;
    // Twice the cancel reach: the touch may wander a quarter of it before the window moves, and
    // orders stranded beyond half of it by a move are cancelled then.
    let width = 1024;
    while (width < 2 * this.cancelDepthTicks) width *= 2;
    this.book = new TickBook(width, fairTick);
    this.fillInitialBook(Math.floor(fairTick));
    this.nextOrderTime = this.time + this.rng.exponential(1000 / (this.eventRate * this.volatility.activityFactor()));
    // Warm-up: run unseen (nothing is written, so nothing reaches the past or the ids).
    while (this.nextOrderTime < start) {
      this.nextOrder();
      if (this.prints.count > 0) this.lastTradePrice = this.prices.value(this.prints.ticks[this.prints.count - 1]!);
      this.prints.count = 0;
    }
    this.diffDue = false;
    this.advanceTo(start);

    const startPrice = this.lastTradePrice === this.lastTradePrice ? this.lastTradePrice : this.midPrice();
    this.lastTradePrice = startPrice;
    const takerLots = this.takerMedianLots * Math.exp((FLOW.takerSigma * FLOW.takerSigma) / 2);
    const largeFactor = 1 + FLOW.largeShare * ((FLOW.largeMinMultiple + FLOW.largeMaxMultiple) / 2 - 1);
    const volumePerSecond = this.amounts.value(this.takerRate * takerLots * largeFactor * FLOW.volumeCalibration);
    // The past has its own random stream, so its length never changes the live market.
    const pastVolatility = new VolatilityProcess(o.volatility, new SeededRandom(o.seed ^ 0x5bd1e995));
    pastVolatility.restart(this.volatility.x);
    this.past = new SimulatedPast(
      {
        startTime: start,
        startPrice,
        historyBars: o.historyBars,
        secondVolatility: this.secondVolatility,
        volumePerSecond,
        meanTradeSize: volumePerSecond / o.tradesPerSecond,
        logPriceRange: Math.log(FLOW.priceRange),
        prices: this.prices,
        amounts: this.amounts,
      },
      pastVolatility,
      new SeededRandom(o.seed ^ 0x27d4eb2f),
    );
  }

  /** Simulated time of the event the next `step` writes, ms. O(1). */
  nextTime(): number {
    return this.snapshotDue || this.diffDue || this.tickerDue || this.prints.read < this.prints.count ? this.time : this.nextOrderTime;
  }

  /**
   * Writes the next event into `out` and returns its kind. Per order event: its trades, then its
   * diff, then a bookTicker; a requested snapshot comes between order events. O(levels the order
   * touches); allocates nothing (staging buffers grow by doubling, rarely).
   */
  step(out: MarketEvent): EventKind {
    const kind = this.writeNext(out);
    this.stats.byKind.count(kind);
    return kind;
  }

  private writeNext(out: MarketEvent): EventKind {
    if (this.prints.read < this.prints.count) return this.writeTrade(out);
    if (this.diffDue) return this.writeDiff(out);
    if (this.tickerDue) return this.writeBookTicker(out);
    if (this.snapshotDue) return this.writeSnapshot(out);
    while (this.prints.count === 0 && !this.diffDue) this.nextOrder();
    return this.prints.count > 0 ? this.writeTrade(out) : this.writeDiff(out);
  }

  /** The next event between order events will be a full snapshot (a resync). O(1). */
  requestSnapshot(): void {
    this.snapshotDue = true;
  }

  /** Best bid price, NaN when no bids. O(1). */
  bestBid(): number {
    return this.prices.value(this.book.bestBid());
  }

  /** Best ask price, NaN when no asks. O(1). */
  bestAsk(): number {
    return this.prices.value(this.book.bestAsk());
  }

  /** Size at the best bid. O(1). */
  bestBidSize(): number {
    return this.amounts.value(this.book.lotsAt(true, this.book.bestBid()));
  }

  /** Size at the best ask. O(1). */
  bestAskSize(): number {
    return this.amounts.value(this.book.lotsAt(false, this.book.bestAsk()));
  }

  /**
   * Candle rows `[t, o, h, l, c, v, quoteVolume, takerBuyVolume, trades]` of `timeframe`,
   * oldest first: the generated past, then the live bars so far (the last is in progress).
   * O(held bars); allocates the rows.
   */
  history(timeframe: Timeframe, maxBars: number): number[][] {
    return this.past.rows(timeframe, maxBars);
  }

  /** Rolling 24h figures at the current time into `out`. O(1440); no allocation. */
  figures24h(out: Figures24h = this.figures): Figures24h {
    this.past.figures24h(this.time, out);
    return out;
  }

  // ---- event writers ----

  private writeTrade(out: MarketEvent): EventKind {
    const q = this.prints;
    const i = q.read++;
    if (q.read === q.count) q.read = q.count = 0;
    out.reset(EventKind.Trade);
    this.stamp(out);
    out.tradeId = ++this.lastTradeId;
    out.price = this.prices.value(q.ticks[i]!);
    out.amount = this.amounts.value(q.lots[i]!);
    out.takerSide = q.sides[i]! as TakerSide;
    this.lastTradePrice = out.price;
    this.past.recordTrade(out.time, out.price, out.amount, out.takerSide);
    return EventKind.Trade;
  }

  private writeDiff(out: MarketEvent): EventKind {
    const book = this.book;
    out.reset(EventKind.DepthDiff);
    this.stamp(out);
    const changes = book.changedBids.count + book.changedAsks.count;
    out.firstId = this.lastUpdateId + 1;
    out.finalId = this.lastUpdateId + changes;
    this.lastUpdateId = out.finalId;
    for (let i = 0; i < book.changedBids.count; i++) {
      const tick = book.changedBids.ticks[i]!;
      out.bids.push(this.prices.value(tick), this.amounts.value(book.lotsAt(true, tick)));
    }
    for (let i = 0; i < book.changedAsks.count; i++) {
      const tick = book.changedAsks.ticks[i]!;
      out.asks.push(this.prices.value(tick), this.amounts.value(book.lotsAt(false, tick)));
    }
    this.diffDue = false;
    this.tickerDue = true;
    return EventKind.DepthDiff;
  }

  private writeBookTicker(out: MarketEvent): EventKind {
    out.reset(EventKind.BookTicker);
    this.stamp(out);
    out.finalId = this.lastUpdateId;
    out.bestBid = this.bestBid();
    out.bestBidSize = this.bestBidSize();
    out.bestAsk = this.bestAsk();
    out.bestAskSize = this.bestAskSize();
    this.tickerDue = false;
    return EventKind.BookTicker;
  }

  private writeSnapshot(out: MarketEvent): EventKind {
    out.reset(EventKind.DepthSnapshot);
    this.stamp(out);
    out.finalId = this.lastUpdateId;
    this.book.writeSide(true, out.bids, this.prices, this.amounts);
    this.book.writeSide(false, out.asks, this.prices, this.amounts);
    this.snapshotDue = false;
    return EventKind.DepthSnapshot;
  }

  private stamp(out: MarketEvent): void {
    out.symbol = this.options.symbol;
    out.time = Math.floor(this.time);
    out.receiveNs = out.time * 1e6;
  }

  // ---- the order process ----

  /** Runs order events until one changes the book (staging its prints and diff). */
  private nextOrder(): void {
    const book = this.book;
    book.beginChanges();
    if (book.needsRecenter()) {
      book.recenter(Math.floor(this.fairTick()));
      const removed = book.changedBids.count + book.changedAsks.count;
      this.stats.recenters++;
      this.stats.strandedLevels += removed;
      this.diffDue = removed > 0;
      return;
    }
    this.advanceTo(this.nextOrderTime);
    const activity = this.volatility.activityFactor();
    const u = this.rng.uniform() * this.eventRate;
    if (u < this.takerRate) this.marketOrder();
    else if (u < this.takerRate + this.limitRate) this.limitOrder();
    else this.cancel();
    this.diffDue = book.changedBids.count + book.changedAsks.count > 0;
    this.nextOrderTime = this.time + this.rng.exponential(1000 / (this.eventRate * activity));
  }

  /** Moves the clock to `t`: the fair price diffuses, volatility steps at each whole second. */
  private advanceTo(t: number): void {
    while (t >= this.nextSecond) {
      this.diffuse(this.nextSecond - this.time);
      this.time = this.nextSecond;
      this.volatility.stepSecond(this.shockSum);
      this.shockSum = 0;
      this.nextSecond += 1000;
    }
    this.diffuse(t - this.time);
    this.time = t;
  }

  private diffuse(dtMs: number): void {
    if (dtMs <= 0) return;
    const root = Math.sqrt(dtMs / 1000);
    const z = this.rng.normal();
    this.shockSum += root * z;
    this.moveFair(this.fairSecondVolatility * this.volatility.volatilityFactor() * root * z);
  }

  private moveFair(logStep: number): void {
    let x = this.logFair + logStep;
    if (x > this.logFairMax) x = 2 * this.logFairMax - x;
    if (x < this.logFairMin) x = 2 * this.logFairMin - x;
    this.logFair = x;
  }

  private fairTick(): number {
    return Math.exp(this.logFair) / this.options.tickSize;
  }

  private midPrice(): number {
    return this.prices.value((this.book.bestBid() + this.book.bestAsk()) / 2);
  }

  private marketOrder(): void {
    const book = this.book;
    const mid = (book.bestBid() + book.bestAsk()) / 2;
    const lean = (this.fairTick() - mid) / this.leanTicks;
    const isBuy = this.rng.uniform() * (1 + Math.exp(-lean)) < 1;
    let lots = Math.max(1, Math.round(this.rng.logNormal(this.takerMedianLots, FLOW.takerSigma)));
    const large = this.rng.uniform() < FLOW.largeShare;
    if (large) lots = Math.round(lots * (FLOW.largeMinMultiple + (FLOW.largeMaxMultiple - FLOW.largeMinMultiple) * this.rng.uniform()));
    const before = isBuy ? book.bestAsk() : book.bestBid();
    this.take(isBuy, lots, isBuy ? Infinity : -Infinity);
    this.stats.marketOrders++;
    if (large) {
      // A large order carries information: part of its walk sticks.
      this.stats.largeOrders++;
      const after = isBuy ? book.bestAsk() : book.bestBid();
      if (after === after && before === before) this.moveFair(Math.log1p((FLOW.largeImpact * (after - before)) / this.fairTick()));
    }
  }

  /**
   * A taker of `lots` buying (or selling) up to `limitTick`: fills level by level from the touch
   * and stages one print per fill (two when two makers are hit). Returns the lots filled.
   */
  private take(isBuy: boolean, lots: number, limitTick: number): number {
    const book = this.book;
    const makers = isBuy ? book.askCounts : book.bidCounts;
    let left = Math.min(lots, Math.floor(makers.lots * FLOW.maxTakeShare));
    let filled = 0;
    const side = isBuy ? 1 : -1;
    while (left > 0 && makers.levels > FLOW.minLevels) {
      const best = isBuy ? book.bestAsk() : book.bestBid();
      if (isBuy ? best > limitTick : best < limitTick) break;
      const fill = book.remove(!isBuy, best, left);
      if (fill >= 2 && this.rng.uniform() < FLOW.makerSplitShare) {
        const first = 1 + this.rng.int(fill - 1);
        this.prints.push(best, first, side);
        this.prints.push(best, fill - first, side);
      } else {
        this.prints.push(best, fill, side);
      }
      left -= fill;
      filled += fill;
    }
    return filled;
  }

  private limitOrder(): void {
    const book = this.book;
    const isBid = this.rng.uniform() < 0.5;
    const anchor = Math.floor(this.fairTick());
    const d = this.distance(FLOW.nearShare, this.depthTicks);
    let tick = isBid ? anchor - d : anchor + 1 + d;
    let lots = this.rng.logNormal(this.limitMedianLots * Math.pow(1 + d / this.growthTicks, FLOW.limitGrowthPower), FLOW.limitSigma);
    const r = this.rng.uniform();
    if (r < FLOW.roundCoarseShare) {
      tick = roundAway(tick, FLOW.roundCoarseTicks, isBid);
      lots *= FLOW.roundCoarseBoost;
    } else if (r < FLOW.roundCoarseShare + FLOW.roundFineShare) {
      tick = roundAway(tick, FLOW.roundFineTicks, isBid);
      lots *= FLOW.roundFineBoost;
    }
    lots = Math.max(1, Math.round(lots));
    this.stats.limitOrders++;
    if (isBid ? tick >= book.bestAsk() : tick <= book.bestBid()) {
      // Priced through the other side: it trades first, the rest rests (or is dropped if the
      // take stopped early, as an immediate-or-cancel would be).
      this.stats.marketableLimits++;
      lots -= this.take(isBid, lots, tick);
    }
    if (lots > 0) book.add(isBid, tick, lots);
  }

  private cancel(): void {
    const book = this.book;
    const isBid = this.rng.uniform() < 0.5;
    const counts = isBid ? book.bidCounts : book.askCounts;
    if (counts.levels <= FLOW.minLevels) return;
    const d = this.distance(FLOW.cancelNearShare, this.cancelDepthTicks);
    const tick = book.levelOutward(isBid, isBid ? book.bestBid() - d : book.bestAsk() + d, 64);
    if (tick !== tick) return;
    const at = book.lotsAt(isBid, tick);
    const share = this.rng.uniform() < FLOW.cancelWholeShare ? 1 : FLOW.cancelMinShare + (1 - FLOW.cancelMinShare) * this.rng.uniform();
    book.remove(isBid, tick, Math.max(1, Math.ceil(at * share)));
    this.stats.cancels++;
  }

  /** Ticks away from the reference: mostly near it, with a long tail to `depth`. */
  private distance(nearShare: number, depth: number): number {
    if (this.rng.uniform() < nearShare) return Math.floor(this.rng.exponential(this.nearMeanTicks));
    return Math.floor(depth * Math.pow(this.rng.uniform(), FLOW.depthExponent));
  }

  /** An initial book near equilibrium: most levels out to the cancel depth filled, sizes as placed there. */
  private fillInitialBook(anchor: number): void {
    for (let d = 0; d < this.cancelDepthTicks; d++) {
      for (let side = 0; side < 2; side++) {
        if (this.rng.uniform() >= FLOW.initialFillShare) continue;
        const isBid = side === 0;
        const tick = isBid ? anchor - d : anchor + 1 + d;
        let lots = FLOW.initialSizeMultiple * this.rng.logNormal(this.limitMedianLots * Math.pow(1 + d / this.growthTicks, FLOW.limitGrowthPower), FLOW.limitSigma);
        if (tick % FLOW.roundCoarseTicks === 0) lots *= FLOW.roundCoarseBoost;
        else if (tick % FLOW.roundFineTicks === 0) lots *= FLOW.roundFineBoost;
        this.book.add(isBid, tick, Math.max(1, Math.round(lots)));
      }
    }
  }
}

/** `tick` moved away from the touch to the next multiple of `step` (bids down, asks up). */
function roundAway(tick: number, step: number, isBid: boolean): number {
  return isBid ? Math.floor(tick / step) * step : Math.ceil(tick / step) * step;
}

function validate(o: SimulatorOptions): void {
  const bad = (what: string, value: unknown): never => {
    throw new EngineError('badParameter', `simulator: ${what}, got ${String(value)}`);
  };
  if (!Number.isFinite(o.seed)) bad('seed must be a finite number', o.seed);
  if (typeof o.symbol !== 'string' || o.symbol.length === 0) bad('symbol must be a non-empty string', o.symbol);
  if (!Number.isFinite(o.startTime) || o.startTime < 0) bad('startTime must be a time in ms', o.startTime);
  if (!(o.initialPrice > 0 && o.initialPrice < Infinity)) bad('initialPrice must be positive', o.initialPrice);
  if (!(o.tickSize > 0 && o.tickSize < Infinity)) bad('tickSize must be positive', o.tickSize);
  const ticks = o.initialPrice / o.tickSize;
  if (!(ticks >= 1000 && ticks <= 1e6)) bad('initialPrice / tickSize must be between 1000 and 1e6 ticks', ticks);
  if (!(o.amountStep > 0 && o.amountStep < Infinity)) bad('amountStep must be positive', o.amountStep);
  if (!(o.tradesPerSecond > 0 && o.tradesPerSecond <= 10_000)) bad('tradesPerSecond must be in (0, 10000]', o.tradesPerSecond);
  if (!(o.diffsPerSecond >= o.tradesPerSecond && o.diffsPerSecond <= 100_000)) bad('diffsPerSecond must be at least tradesPerSecond (and ≤ 100000)', o.diffsPerSecond);
  if (!(o.minuteVolatility > 0 && o.minuteVolatility < 0.1)) bad('minuteVolatility must be in (0, 0.1)', o.minuteVolatility);
  if (!(Number.isInteger(o.historyBars) && o.historyBars >= 1 && o.historyBars <= 5000)) bad('historyBars must be an integer in 1..5000', o.historyBars);
  const v = o.volatility;
  if (!(v.persistenceSeconds >= 1 && v.persistenceSeconds < Infinity)) bad('volatility.persistenceSeconds must be ≥ 1', v.persistenceSeconds);
  if (!(v.logSd >= 0 && v.logSd <= 2)) bad('volatility.logSd must be in [0, 2]', v.logSd);
  if (!(v.feedbackShare >= 0 && v.feedbackShare <= 1)) bad('volatility.feedbackShare must be in [0, 1]', v.feedbackShare);
  if (!(v.activityElasticity >= 0 && v.activityElasticity <= 3)) bad('volatility.activityElasticity must be in [0, 3]', v.activityElasticity);
  // Tick and amount steps that are not integers or unit fractions are refused by DecimalGrid.
}
