/**
 * What the replay feed reads a recording through: one source per format, pull-based so the feed
 * sets the pace. `fill()` (async, I/O) buffers the next chunk; `next()` (sync) hands out one item
 * at a time. Sources report bad input as {@link ReplayProblem}s and go on; they never throw.
 */
import type { SequenceRule } from '../../engine/book/sequenceRule';
import type { MarketEvent } from '../../engine/events';
import type { MarketFacts } from '../../engine/protocol';
import type { TickerSnapshot } from '../feed';

/** What {@link ReplaySource.next} produced. */
export const ReplayItem = {
  /** Nothing buffered: await `fill()`. */
  None: 0,
  /** `event` holds a market event. */
  Event: 1,
  /** `source.ticker` holds a 24h ticker. */
  Ticker: 2,
  /** The book must be resynced (`source.resyncReason`), e.g. a checksum mismatch. */
  Resync: 3,
} as const;
export type ReplayItem = (typeof ReplayItem)[keyof typeof ReplayItem];

/** One piece of bad input. The replay goes on where it can. */
export interface ReplayProblem {
  /** The file, as given. */
  readonly file: string;
  /**
   * 1-based line (text formats) or row id (database); 0 when the file itself is damaged or
   * unreadable (the replay then ends with status `error`); -1 for a problem of the replay that is
   * no place in the file (no snapshot at all, a failing sink).
   */
  readonly line: number;
  readonly reason: string;
  /** `file:line: reason` (or `file: reason`). */
  readonly message: string;
}

export type ReplayProblemHandler = (problem: ReplayProblem) => void;

/** Builds a problem with its message. */
export function replayProblem(file: string, line: number, reason: string): ReplayProblem {
  return { file, line, reason, message: line > 0 ? `${file}:${line}: ${reason}` : `${file}: ${reason}` };
}

/** A recording that cannot be replayed (unreadable, unknown format, wrong schema, no such symbol). */
export class ReplayOpenError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'ReplayOpenError';
  }
}

/** What a source learned about the recording when it opened. */
export interface ReplaySourceInfo {
  /** Exchange id (ccxt's): `binance`, `binanceusdm`, `okx`. */
  exchange: string;
  /** The instrument as the recording names it. */
  symbol: string;
  /**
   * The live market's facts the recorder stored (`recordedMarketFacts.ts`); null when the
   * recording has none (older recordings, other tools' captures): then they are inferred.
   */
  recordedFacts: MarketFacts | null;
  /** Prices and sizes seen at the start, for inferring the market's facts. */
  samplePrices: readonly number[];
  sampleSizes: readonly number[];
}

export interface ReplaySource {
  /** The sequence rule the source's book events follow. */
  readonly sequenceRule: SequenceRule;
  /** Exchange time (ms) of the last item, NaN when it carried none (spot bookTicker). */
  readonly time: number;
  /** The last ticker item. */
  readonly ticker: TickerSnapshot;
  /** Why the last Resync item asks for a resync. */
  readonly resyncReason: string;
  /** Exchange checksums checked against the rebuilt book, and how many disagreed (0 without). */
  readonly checksumsVerified: number;
  readonly checksumMismatches: number;

  /**
   * Reads the start of the recording: checks it is what the source reads, finds the instrument
   * matching `symbol` ('' = the first one). Rejects with {@link ReplayOpenError}.
   */
  open(symbol: string): Promise<ReplaySourceInfo>;
  /** Buffers more items; false at the end. Never rejects: failures are reported as problems. */
  fill(): Promise<boolean>;
  /** The next buffered item, written into `event` / `ticker`. No I/O; never throws. */
  next(event: MarketEvent): ReplayItem;
  /** A problem with the last item `next()` handed out, at its file:line (or table row id). */
  itemProblem(reason: string): ReplayProblem;
  /** Fraction of the recording consumed, 0..1 (by bytes or rows). */
  progress(): number;
  /** Releases files. Idempotent. */
  close(): void;
}

/** A ticker with nothing known (NaN everywhere). */
export function emptyTicker(): TickerSnapshot {
  return { symbol: '', last: NaN, open24h: NaN, high24h: NaN, low24h: NaN, volume24h: NaN, changePercent24h: NaN, time: NaN };
}
