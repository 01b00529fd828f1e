/**
 * Plays a recording as a {@link Feed}: the raw Binance capture format (spot and futures, several
 * files as one stream), cryptofeed's OKX captures, and order-flow SQLite databases; the format is
 * told from the content ({@link detectReplayFormat}).
 *
 * Timing is on the exchange's timestamps, never the local receive time (which runs about 1.27 s
 * behind in the Binance captures): an item without an exchange time (spot bookTicker) takes the
 * last one seen, and the market clock never runs backwards. Speed 1 is real time, any speed up to
 * Infinity (as fast as the sink takes events) can be set while playing; pause and resume.
 *
 * Timers: one at a time. When the next item is due later, one `setTimeout` waits for it; when it
 * wakes, every item due by then (plus `granularityMs`) goes out in one batch, so at high speed one
 * timer carries many events. Work runs in slices of at most `sliceMs`, with `setImmediate`
 * between them, so the extension host's event loop never stalls. Memory is constant: the source
 * holds one chunk (or one row per table) and the feed one pending item.
 *
 * Bad input is reported through `onProblem` (`file:line: reason`), throttled per file, and the
 * replay goes on; a damaged file ends the replay with status `error` naming it. Nothing throws
 * out of the feed once it is open.
 */
import { basename } from 'node:path';
import { tickSizeProblem } from '../../engine/book/priceGrid';
import { binanceRule, type SequenceRule } from '../../engine/book/sequenceRule';
import { parseTimeframe, TimeframeError } from '../../engine/candles/timeframe';
import { EventKindCounts } from '../../engine/eventCounts';
import { EventKind, MarketEvent } from '../../engine/events';
import { EventTimeGuard } from '../../engine/eventTime';
import type { MarketFacts } from '../../engine/protocol';
import type { Feed, FeedSink, FeedStatus, FeedTarget } from '../feed';
import { BinanceCaptureSource } from './binanceCaptureSource';
import { CryptofeedOkxSource } from './cryptofeedOkxSource';
import type { RefusalProbe } from './engineRefusals';
import { inferMarketFacts } from './inferMarketFacts';
import { OrderFlowDbSource } from './orderFlowDbSource';
import { ReplayBars } from './replayBars';
import { ReplayClock } from './replayClock';
import { detectReplayFormat, type ReplayFormat } from './replayFormat';
import { ReplayItem, ReplayOpenError, replayProblem, type ReplayProblem, type ReplaySource } from './replaySource';

export interface ReplayOptions {
  /** Initial speed: market ms per wall ms; Infinity = as fast as possible. */
  speed: number;
  /** Start paused (`resume()` starts playing). */
  paused: boolean;
  /** Each piece of bad input, `file:line: reason`. */
  onProblem: ((problem: ReplayProblem) => void) | null;
  /** Progress, at most every `progressIntervalMs` of wall time, and once at the end. */
  onProgress: ((progress: ReplayProgress) => void) | null;
  progressIntervalMs: number;
  /** Facts that override the inferred ones (tick size, precisions). */
  facts: Partial<MarketFacts>;
  /** Longest run of work before yielding to the event loop, ms. */
  sliceMs: number;
  /** Items due within this many wall ms go out with the current batch. */
  granularityMs: number;
  /** When the sink is this far (wall ms) behind the clock, the clock waits for it. */
  maxLagMs: number;
  /** Problems reported per file; the rest are counted and summarized at the end. */
  maxProblemsPerFile: number;
  /** Book diffs without any snapshot before the replay reports that the book cannot be built. */
  snapshotWaitDiffs: number;
  /**
   * A stretch with no events longer than this (wall ms at the current speed) is skipped: the
   * next item plays at once, and `onNotice` and the status say so.
   */
  maxIdleGapMs: number;
  /** Things a user should know that are not problems in the file (skipped idle gaps). */
  onNotice: ((message: string) => void) | null;
  /**
   * The engine's refusals (see `engineRefusals.ts`): an event it refuses is reported as a problem
   * at its file:line or row id. Null: not checked.
   */
  refusals: RefusalProbe | null;
  /** Exchange time (ms) to play fast to before playing at `speed` (a jump back restarts the file here); NaN: from the start. */
  startAt: number;
  /** The recording's last time when known (an earlier feed of the file played it to its end); NaN: not known. */
  knownEnd: number;
}

export const DEFAULT_REPLAY_OPTIONS: Readonly<ReplayOptions> = {
  speed: 1,
  paused: false,
  onProblem: null,
  onProgress: null,
  progressIntervalMs: 250,
  facts: {},
  sliceMs: 8,
  granularityMs: 4,
  maxLagMs: 1000,
  maxProblemsPerFile: 20,
  snapshotWaitDiffs: 1000,
  maxIdleGapMs: 5000,
  onNotice: null,
  refusals: null,
  startAt: NaN,
  knownEnd: NaN,
};

/** How far a replay is. */
export interface ReplayProgress {
  /** Fraction of the recording consumed (bytes or rows), 0..1. */
  fraction: number;
  /** Exchange time of the last item played (or the time jumped to), ms (NaN before the first). */
  marketTime: number;
  /** Exchange time of the recording's first timed item, ms (NaN before it played). */
  startTime: number;
  /**
   * Where the recording ends, ms: exact once finished (or known from an earlier play of the file,
   * `knownEnd`); before, extrapolated from the part read (a gzip's last stamp is only known by
   * reading it all). NaN when neither.
   */
  endTime: number;
  /** `endTime` is exact. */
  endKnown: boolean;
  /** Playing fast to a time asked for ({@link ReplayFeed.seek}). */
  seeking: boolean;
  /** Items played (events, tickers, resyncs). */
  items: number;
  speed: number;
  paused: boolean;
  finished: boolean;
}

/** Counters a user or a test can read. */
export class ReplayStats {
  /** Events handed to the sink, by kind. */
  readonly byKind = new EventKindCounts();
  tickers = 0;
  resyncs = 0;
  /** Problems found, reported or not. */
  problems = 0;
  /** Problems over the per-file limit (counted, summarized at the end). */
  problemsSuppressed = 0;
  /** Exchange checksums (OKX) that matched the rebuilt book, and that did not. */
  checksumsVerified = 0;
  checksumMismatches = 0;
  /** Idle stretches skipped (see `maxIdleGapMs`), and the market time they spanned. */
  idleGapsSkipped = 0;
  idleSkippedMs = 0;
}

const State = { Created: 0, Open: 1, Playing: 2, Paused: 3, Finished: 4, Closed: 5 } as const;
type State = (typeof State)[keyof typeof State];

export class ReplayFeed implements Feed {
  readonly name: string;
  readonly stats = new ReplayStats();
  /** Resolves when the replay has played to its end or was closed. */
  readonly finished: Promise<void>;

  private readonly paths: readonly string[];
  private readonly options: ReplayOptions;
  private readonly clock: ReplayClock;
  private readonly event = new MarketEvent();
  private readonly bars = new ReplayBars();
  private state: State = State.Created;
  private detected: ReplayFormat | null = null;
  private source: ReplaySource | null = null;
  private sink: FeedSink | null = null;
  private target: FeedTarget | null = null;
  private resolveFinished: () => void = () => {};

  // The item taken from the source and not yet played.
  private pendingItem: ReplayItem = ReplayItem.None;
  private pendingTime = NaN;
  /** Exchange time of the last item played; the clock never goes back. */
  private marketTime = NaN;
  private items = 0;
  /** Refuses stamps far ahead of the recording's own clock (they would make the replay wait for days). */
  private readonly stamps = new EventTimeGuard();

  private timeout: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private filling = false;
  private lastProgressWall = -Infinity;
  /** Market time at the moment of pausing. */
  private pausedAt = NaN;
  /** Exchange time of the first timed item played. */
  private startTime = NaN;
  /** A jump in progress: every item before this exchange time plays at once; NaN: none. */
  private seekTarget = NaN;

  // Problem bookkeeping.
  private readonly problemsPerFile = new Map<string, number>();
  private fileFailure: string | null = null;
  private snapshotSeen = false;
  private noSnapshotReported = false;

  /** `paths`: one recording, or several Binance capture files that form one stream. */
  constructor(paths: string | readonly string[], options: Partial<ReplayOptions> = {}) {
    this.paths = typeof paths === 'string' ? [paths] : [...paths];
    this.options = { ...DEFAULT_REPLAY_OPTIONS, ...options };
    this.clock = new ReplayClock(validSpeed(this.options.speed) ? this.options.speed : 1);
    const first = this.paths[0] !== undefined ? basename(this.paths[0]) : '(no file)';
    this.name = `replay ${first}${this.paths.length > 1 ? ` +${this.paths.length - 1}` : ''}`;
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
    this.seekTarget = this.options.startAt;
  }

  /** The recording's format, once open. */
  get format(): ReplayFormat | null {
    return this.detected;
  }

  /** The sequence rule the replayed book events follow (for the engine's Market), once open. */
  get sequenceRule(): SequenceRule {
    return this.source?.sequenceRule ?? binanceRule;
  }

  /** Market ms per wall ms; Infinity = as fast as the sink takes events. */
  get speed(): number {
    return this.clock.speed;
  }

  /** True while paused (or opened with `paused` and not yet resumed). */
  get paused(): boolean {
    return this.state === State.Paused || (this.state === State.Open && this.options.paused);
  }

  /**
   * Detects the format, reads the start of the recording and finds `target.symbol` in it ('' =
   * the recording's first market). Rejects with {@link ReplayOpenError} naming the file.
   */
  async open(target: FeedTarget): Promise<MarketFacts> {
    if (this.state !== State.Created) throw new ReplayOpenError(this.paths[0] ?? '', 'this replay was already opened');
    if (this.paths.length === 0) throw new ReplayOpenError('', 'no recording given');
    const format = await detectReplayFormat(this.paths[0]!);
    for (const path of this.paths.slice(1)) {
      const other = await detectReplayFormat(path);
      if (format !== 'binance-capture' || other !== format) {
        throw new ReplayOpenError(path, 'only Binance gzip captures can be replayed as several files in a row');
      }
    }
    const report = (problem: ReplayProblem): void => this.problem(problem);
    const source: ReplaySource =
      format === 'binance-capture'
        ? new BinanceCaptureSource(this.paths, report)
        : format === 'okx-cryptofeed'
          ? new CryptofeedOkxSource(this.paths[0]!, report)
          : new OrderFlowDbSource(this.paths[0]!, report);
    const info = await source.open(target.symbol);
    if (this.state !== State.Created) {
      source.close(); // closed while opening
      throw new ReplayOpenError(this.paths[0]!, 'the replay was closed while opening');
    }
    this.detected = format;
    this.source = source;
    this.target = target;
    this.state = State.Open;
    const exchange = target.exchange || info.recordedFacts?.exchange || info.exchange;
    const symbol = target.symbol || info.recordedFacts?.symbol || info.symbol;
    // The facts the live session had, when the recorder stored them; guessed from the numbers only without.
    const recordedOrInferred =
      info.recordedFacts !== null
        ? { ...info.recordedFacts, exchange, symbol }
        : inferMarketFacts(exchange, symbol, info.samplePrices, info.sampleSizes, (reason) => this.problem(replayProblem(this.paths[0]!, -1, reason)));
    const facts = { ...recordedOrInferred, ...this.options.facts };
    const tickProblem = tickSizeProblem(facts.tickSize);
    if (tickProblem !== null) {
      void this.close();
      throw new ReplayOpenError(this.paths[0]!, `unusable market facts: ${tickProblem}`);
    }
    return facts;
  }

  /** Starts playing into `sink` (paused if the options say so). Returns at once. */
  start(sink: FeedSink): void {
    if (this.state !== State.Open) return;
    this.sink = sink;
    if (this.options.paused) {
      this.state = State.Paused;
      this.sendStatus();
      if (this.seeking) this.schedule(0); // plays to `startAt`, then stays paused
      return;
    }
    this.state = State.Playing;
    this.sendStatus();
    this.schedule(0);
  }

  /** Gives the sink the replayed bars of `timeframe` as history (a recording has no exchange). */
  changeTimeframe(timeframe: string): void {
    const sink = this.sink;
    if (sink === null || this.state === State.Closed) return;
    const tf = parseTimeframe(timeframe);
    if (tf instanceof TimeframeError) {
      this.problem(replayProblem(this.paths[0]!, -1, tf.message));
      return;
    }
    try {
      sink.history(tf, this.bars.history(tf, this.target?.historyBars ?? 1000));
    } catch (error) {
      this.sinkFailed(error);
    }
  }

  /**
   * The recording's bars before `before` that were replayed but not given as history (a
   * timeframe switch gives the newest `historyBars`): up to `bars` of them next to `before`.
   * `'none'` before the first replayed bar or beyond what {@link ReplayBars} keeps: the replay
   * starts at the start of its files, so nothing earlier exists. O(replayed bars held).
   */
  loadOlder(timeframe: string, before: number, bars: number): Promise<number[][] | 'none'> {
    const tf = parseTimeframe(timeframe);
    if (tf instanceof TimeframeError) return Promise.reject(tf);
    const rows = this.bars.history(tf, Infinity);
    let end = 0;
    while (end < rows.length && rows[end]![0]! < before) end++;
    return Promise.resolve(end === 0 ? 'none' : rows.slice(Math.max(0, end - bars), end));
  }

  /**
   * Sets the speed (market ms per wall ms, Infinity = as fast as possible) while playing or
   * paused. False (nothing changes) for NaN, zero or a negative speed.
   */
  setSpeed(speed: number): boolean {
    if (!validSpeed(speed)) return false;
    this.rebase();
    this.clock.speed = speed;
    if (this.state === State.Playing) {
      this.sendStatus();
      this.schedule(0); // a waiting timer may now be too long
    } else if (this.state === State.Paused) {
      this.sendStatus();
    }
    return true;
  }

  /** Stops playing; the market clock stops with it. No-op unless playing. Status `paused`. */
  pause(): void {
    if (this.state === State.Open) {
      this.options.paused = true;
      return;
    }
    if (this.state !== State.Playing) return;
    this.rebase();
    this.pausedAt = this.clock.speed === Infinity ? this.marketTime : this.clock.marketAt(performance.now());
    this.cancelTimers();
    this.state = State.Paused;
    if (this.seeking) this.schedule(0); // the jump completes, then the pause holds
    this.sendStatus();
    this.reportProgress(true);
  }

  /** Plays on from where it paused (the clock resumes at the paused market time). */
  resume(): void {
    if (this.state === State.Open) {
      this.options.paused = false;
      return;
    }
    if (this.state !== State.Paused || this.sink === null) return;
    this.rebase();
    this.state = State.Playing;
    this.sendStatus();
    this.schedule(0);
  }

  /**
   * Jumps to exchange time `time` (ms): forward, every item before it plays at once, in order (the
   * engine's book and candles stay exact), then playing (or the pause) goes on from `time`.
   * `'back'` for a time before the current one (finished too): a feed cannot unplay what its
   * sink took, so the caller restarts the session with a new feed whose `startAt` is `time`
   * (costs a replay of the file from its start to `time` at full speed). `'refused'` for a
   * non-finite time, a time past the end of a finished replay, or a closed one.
   */
  seek(time: number): 'forward' | 'back' | 'refused' {
    if (!Number.isFinite(time) || this.state === State.Closed || this.state === State.Created) return 'refused';
    if (time < this.marketTime) return 'back';
    if (this.state === State.Finished) return 'refused';
    this.seekTarget = time;
    if (this.state === State.Playing || this.state === State.Paused) {
      this.sendStatus();
      this.schedule(0);
    }
    return 'forward';
  }

  /** Playing fast to a time asked for. */
  get seeking(): boolean {
    return this.seekTarget === this.seekTarget;
  }

  /** How far the replay is. O(1). */
  progress(): ReplayProgress {
    const finished = this.state === State.Finished;
    const fraction = finished ? 1 : (this.source?.progress() ?? 0);
    const played = this.marketTime - this.startTime;
    const knownEnd = this.options.knownEnd;
    return {
      fraction,
      marketTime: this.marketTime,
      startTime: this.startTime,
      endTime: finished ? this.marketTime : knownEnd === knownEnd ? knownEnd : fraction > 0 && played > 0 ? this.startTime + played / fraction : NaN,
      endKnown: finished || knownEnd === knownEnd,
      seeking: this.seeking,
      items: this.items,
      speed: this.clock.speed,
      paused: this.paused,
      finished,
    };
  }

  /** Stops, releases the file and timers, sends status `closed` if started. Idempotent. */
  async close(): Promise<void> {
    if (this.state === State.Closed) return;
    const wasStarted = this.sink !== null;
    this.cancelTimers();
    this.state = State.Closed;
    this.closeSource();
    if (wasStarted) this.sendStatus();
    this.resolveFinished();
  }

  // ---- Playing ---------------------------------------------------------------------------

  /** Timer callback: plays one slice. */
  private readonly pump = (): void => {
    this.timeout = null;
    this.immediate = null;
    const source = this.source;
    if (!this.running || source === null) return;
    try {
      this.playSlice(source);
    } catch (error) {
      // Sources and sinks do not throw; should one, the replay ends with the reason, never the host.
      this.pendingItem = ReplayItem.None;
      this.problem(replayProblem(this.paths[0]!, 0, `the replay failed (${error instanceof Error ? error.message : String(error)})`));
      this.finish();
    }
  };

  /** Plays every due item, for at most one slice; then waits, yields, or refills. */
  private playSlice(source: ReplaySource): void {
    const { sliceMs, granularityMs, maxLagMs } = this.options;
    const sliceEnd = performance.now() + sliceMs;
    const clock = this.clock;
    for (let n = 1; ; n++) {
      if (this.pendingItem === ReplayItem.None) {
        const item = source.next(this.event);
        if (item === ReplayItem.None) {
          this.refill();
          break;
        }
        this.pendingItem = item;
        const time = source.time;
        let timed = time === time;
        if (timed && !this.stamps.accept(time)) {
          timed = false;
          this.problem(source.itemProblem(`${this.stamps.lastRejection}; played at the last time seen`));
        }
        // No (plausible) exchange time: the last one seen; and never backwards.
        this.pendingTime = timed && !(time < this.marketTime) ? time : this.marketTime;
        if (!(this.startTime === this.startTime)) this.startTime = this.pendingTime;
      }
      if (this.seekTarget === this.seekTarget && !(this.pendingTime < this.seekTarget)) {
        if (!this.land()) break;
      }
      if (clock.speed !== Infinity && this.pendingTime === this.pendingTime && !this.seeking) {
        const wall = performance.now();
        if (!clock.started) clock.anchor(this.pendingTime, wall);
        const gap = this.pendingTime - this.marketTime;
        if (gap / clock.speed > this.options.maxIdleGapMs) this.skipIdleGap(gap, wall);
        const wait = clock.dueIn(this.pendingTime, wall);
        if (wait > granularityMs) {
          this.schedule(wait);
          break;
        }
        if (wait < -maxLagMs) clock.anchor(this.pendingTime, wall);
      }
      try {
        this.play();
      } catch (error) {
        this.sinkFailed(error);
      }
      if (!this.running) break; // the sink paused or closed the replay
      if ((n & 63) === 0 && performance.now() > sliceEnd) {
        this.immediate = setImmediate(this.pump);
        break;
      }
    }
    this.reportProgress(false);
  }

  /** Playing, or paused with a jump to finish. */
  private get running(): boolean {
    return this.state === State.Playing || (this.state === State.Paused && this.seeking);
  }

  /**
   * The next item is at or past the time jumped to: the market clock stands at that time, and
   * playing goes on from there (true) or the pause holds (false).
   */
  private land(): boolean {
    const target = this.seekTarget;
    this.seekTarget = NaN;
    if (!(target < this.marketTime)) this.marketTime = target;
    this.clock.anchor(this.marketTime, performance.now());
    this.pausedAt = this.marketTime;
    this.sendStatus();
    this.reportProgress(true);
    return this.state === State.Playing;
  }

  /** Nothing happens for `gap` market ms: play the pending item now instead of waiting. */
  private skipIdleGap(gap: number, wall: number): void {
    this.clock.anchor(this.pendingTime, wall);
    this.stats.idleGapsSkipped++;
    this.stats.idleSkippedMs += gap;
    const from = new Date(this.marketTime).toISOString();
    const to = new Date(this.pendingTime).toISOString();
    try {
      this.options.onNotice?.(`${this.paths[0]!}: skipped ${durationText(gap)} with no events (${from} to ${to})`);
    } catch {
      // A failing notice callback must not stop the replay.
    }
    this.sendStatus();
  }

  /** Hands the pending item to the sink (which must not throw; the caller catches if it does). */
  private play(): void {
    const item = this.pendingItem;
    this.pendingItem = ReplayItem.None;
    if (this.pendingTime === this.pendingTime) this.marketTime = this.pendingTime;
    this.items++;
    const sink = this.sink!;
    const stats = this.stats;
    switch (item) {
      case ReplayItem.Event: {
        const event = this.event;
        stats.byKind.count(event.kind);
        switch (event.kind) {
          case EventKind.Trade:
            this.bars.addTrade(event.time, event.price, event.amount, event.takerSide);
            break;
          case EventKind.DepthDiff:
            stats.checksumsVerified = this.source!.checksumsVerified;
            if (!this.snapshotSeen && stats.byKind.depthDiffs >= this.options.snapshotWaitDiffs) this.reportNoSnapshot();
            break;
          case EventKind.DepthSnapshot:
            stats.checksumsVerified = this.source!.checksumsVerified;
            this.snapshotSeen = true;
            break;
        }
        const refusals = this.options.refusals;
        if (refusals === null) {
          sink.event(event);
        } else {
          const before = refusals.count();
          sink.event(event);
          if (refusals.count() !== before) this.problem(this.source!.itemProblem(refusals.reason()));
        }
        break;
      }
      case ReplayItem.Ticker: {
        stats.tickers++;
        sink.ticker({ ...this.source!.ticker });
        break;
      }
      case ReplayItem.Resync: {
        stats.resyncs++;
        stats.checksumMismatches = this.source!.checksumMismatches;
        sink.bookResync(this.source!.resyncReason);
        break;
      }
    }
  }

  /** Reads the next chunk, then plays on (or finishes). */
  private refill(): void {
    const source = this.source;
    if (this.filling || source === null) return;
    this.filling = true;
    source.fill().then(
      (more) => {
        this.filling = false;
        if (this.state === State.Closed) return;
        if (!more) this.finish();
        else if (this.running) this.schedule(0);
      },
      (error: unknown) => {
        // Sources do not reject; if one does, the replay ends with the reason.
        this.filling = false;
        this.problem(replayProblem(this.paths[0]!, 0, `reading failed (${error instanceof Error ? error.message : String(error)})`));
        if (this.state !== State.Closed) this.finish();
      },
    );
  }

  private finish(): void {
    if (this.state !== State.Playing && this.state !== State.Paused) return;
    // A refill can complete while paused with items still pending: those wait for resume.
    if (this.pendingItem !== ReplayItem.None) return;
    this.cancelTimers();
    this.seekTarget = NaN; // a jump past the end ends there
    this.state = State.Finished;
    if (!this.snapshotSeen && this.stats.byKind.depthDiffs > 0) this.reportNoSnapshot();
    for (const [file, count] of this.problemsPerFile) {
      const over = count - this.options.maxProblemsPerFile;
      if (over > 0) this.options.onProblem?.(replayProblem(file, 0, `${over} more problems were not reported one by one`));
    }
    this.sendStatus();
    this.reportProgress(true);
    this.closeSource();
    this.resolveFinished();
  }

  /** Sources do not throw on close; should one, the replay still ends cleanly. */
  private closeSource(): void {
    try {
      this.source?.close();
    } catch (error) {
      this.problem(replayProblem(this.paths[0]!, -1, `closing the recording failed (${error instanceof Error ? error.message : String(error)})`));
    }
  }

  private schedule(delayMs: number): void {
    if (!this.running || this.filling) return;
    this.cancelTimers();
    if (delayMs <= 0) this.immediate = setImmediate(this.pump);
    else this.timeout = setTimeout(this.pump, Math.min(delayMs, 2 ** 31 - 1));
  }

  private cancelTimers(): void {
    if (this.timeout !== null) clearTimeout(this.timeout);
    if (this.immediate !== null) clearImmediate(this.immediate);
    this.timeout = null;
    this.immediate = null;
  }

  /** Re-anchors the clock where the replay stands (before a speed change, a pause, a resume). */
  private rebase(): void {
    const wall = performance.now();
    const clock = this.clock;
    if (!clock.started) return;
    let market = this.state === State.Paused ? this.pausedAt : clock.marketAt(wall);
    if (!(market === market) || clock.speed === Infinity) market = this.marketTime;
    // Behind the clock (the sink is slow): restart from the next item, not the clock's time.
    if (this.pendingItem !== ReplayItem.None && this.pendingTime < market) market = this.pendingTime;
    if (market === market) clock.anchor(market, wall);
  }

  // ---- Reporting -------------------------------------------------------------------------

  private sendStatus(): void {
    const sink = this.sink;
    if (sink === null) return;
    const speed = this.clock.speed;
    const speedText = speed === Infinity ? 'max speed' : `${speed}×`;
    const label = this.paths.map((path) => basename(path)).join(' + ');
    let status: FeedStatus;
    const seeking = this.seeking && (this.state === State.Playing || this.state === State.Paused);
    switch (seeking ? State.Playing : this.state) {
      case State.Playing:
        status = seeking
          ? { state: 'replay', detail: `${label} jumping to ${utcText(this.seekTarget)}${this.failureNote()}`, value: statusSpeed(speed), polled: [] }
          : { state: 'replay', detail: `${label} at ${speedText}${this.skippedNote()}${this.failureNote()}`, value: statusSpeed(speed), polled: [] };
        break;
      case State.Paused:
        status = { state: 'paused', detail: `${label} paused (${speedText})${this.skippedNote()}${this.failureNote()}`, value: statusSpeed(speed), polled: [] };
        break;
      case State.Finished:
        status =
          this.fileFailure !== null
            ? { state: 'error', detail: `replay ended: ${this.fileFailure}`, value: 0, polled: [] }
            : {
                state: 'finished',
                detail: `${label}: replay finished, end of recording (${this.stats.byKind.events} events)${this.skippedNote()}`,
                value: statusSpeed(speed),
                polled: [],
              };
        break;
      default:
        status = { state: 'closed', detail: `${label} closed`, value: 0, polled: [] };
    }
    try {
      sink.status(status);
    } catch (error) {
      this.sinkFailed(error);
    }
  }

  private skippedNote(): string {
    const { idleGapsSkipped: gaps, idleSkippedMs: ms } = this.stats;
    return gaps === 0 ? '' : `; skipped ${gaps === 1 ? 'an idle gap' : `${gaps} idle gaps`} of ${durationText(ms)}`;
  }

  private failureNote(): string {
    return this.fileFailure !== null ? ` (${this.fileFailure})` : '';
  }

  private reportProgress(force: boolean): void {
    const onProgress = this.options.onProgress;
    if (onProgress === null) return;
    const now = performance.now();
    if (!force && now - this.lastProgressWall < this.options.progressIntervalMs) return;
    this.lastProgressWall = now;
    try {
      onProgress(this.progress());
    } catch {
      // A failing progress callback must not stop the replay.
    }
  }

  private problem(problem: ReplayProblem): void {
    this.stats.problems++;
    if (problem.line === 0 && this.fileFailure === null) {
      this.fileFailure = problem.message;
      if (this.state === State.Playing || this.state === State.Paused) this.sendStatus();
    }
    const count = (this.problemsPerFile.get(problem.file) ?? 0) + 1;
    this.problemsPerFile.set(problem.file, count);
    if (count > this.options.maxProblemsPerFile) {
      this.stats.problemsSuppressed++;
      return;
    }
    try {
      this.options.onProblem?.(problem);
    } catch {
      // A failing problem callback must not stop the replay.
    }
  }

  private reportNoSnapshot(): void {
    if (this.noSnapshotReported) return;
    this.noSnapshotReported = true;
    const file = this.paths.join(' + ');
    this.problem({
      file: this.paths[0]!,
      line: -1,
      reason: 'no depth snapshot',
      message: `${file}: no depth snapshot after ${this.stats.byKind.depthDiffs} book updates: the order book cannot be rebuilt (trades and candles still play)`,
    });
  }

  /** The sink must not throw; if it does, the replay reports it and goes on. */
  private sinkFailed(error: unknown): void {
    this.problem(replayProblem(this.paths[0]!, -1, `the sink failed (${error instanceof Error ? error.message : String(error)})`));
  }
}

/** `2024-08-08 23:58:30 UTC`. */
function utcText(ms: number): string {
  return `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

/** `850 ms`, `12 s`, `3 min`, `5 h`, `2 d`: a span of market time as a person reads it. */
function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

function validSpeed(speed: number): boolean {
  return speed > 0;
}

/** Status value for a speed: the speed, 0 for "as fast as possible" (status values are finite). */
function statusSpeed(speed: number): number {
  return speed === Infinity ? 0 : speed;
}
