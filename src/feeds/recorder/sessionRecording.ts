/**
 * Records a running market session into a file: what Start Recording does, without the UI.
 *
 * The recording starts from the engine's current book, then taps every event, mirrored book and
 * resync the engine sees, in the same order. Its clock starts at the session's last exchange
 * time, so mirrored books (which carry no time) are stamped on the exchange's clock, not the
 * local one: a replay orders book rows and trades by those stamps.
 */
import { EventKind, MarketEvent } from '../../engine/events';
import type { Disposable } from '../eventEmitter';
import type { MarketSession } from '../marketSession';
import { openRecorder } from './openRecorder';
import type { Recorder, RecorderOptions, RecorderStats } from './recorder';

export interface SessionRecording {
  readonly recorder: Recorder;
  /** Detaches from the session and closes the file; resolves with the final counts. Idempotent. */
  stop(): Promise<RecorderStats>;
}

/**
 * Opens `path` (`*.gz` or `*.db`, see {@link openRecorder}) and records `session` into it.
 * Rejects with the recorder's error, or an Error when the session has no market yet.
 */
export async function recordSession(session: MarketSession, path: string, options: Partial<RecorderOptions> = {}): Promise<SessionRecording> {
  const market = session.market;
  if (market === undefined) throw new Error(`${session.key.symbol} is not streaming yet`);
  // The session's facts go into the file: its replay then shows the decimals shown live.
  const recorder = await openRecorder(path, { symbol: session.key.symbol, exchangeTimeMs: market.lastEventTime, facts: session.facts ?? null, ...options });
  // A sequenced book goes in as a snapshot carrying the engine's last update id, so the diffs
  // that follow bridge it; a mirrored book has no id (the recorder numbers it).
  if (market.bookIsShowable()) {
    const bids = bestFirstRows(market.book.bids);
    const asks = bestFirstRows(market.book.asks);
    if (market.sync.lastFinalId >= 0) recorder.event(bookSnapshot(bids, asks, market.sync.lastFinalId));
    else recorder.mirrorBook(bids, asks);
  }
  const tap: Disposable = session.addTap(recorder);
  let stopped: Promise<RecorderStats> | null = null;
  return {
    recorder,
    stop: () => {
      if (stopped === null) {
        tap.dispose();
        stopped = recorder.close();
      }
      return stopped;
    },
  };
}

/** A snapshot event of `bids`/`asks` (best first) whose `lastUpdateId` is `finalId`. */
function bookSnapshot(bids: [number, number][], asks: [number, number][], finalId: number): MarketEvent {
  const snapshot = new MarketEvent();
  snapshot.reset(EventKind.DepthSnapshot);
  snapshot.time = NaN; // no exchange time: the recorder stamps it with its clock, as for a mirrored book
  snapshot.finalId = finalId;
  for (const [price, size] of bids) snapshot.bids.push(price, size);
  for (const [price, size] of asks) snapshot.asks.push(price, size);
  return snapshot;
}

/** A book side as ccxt-shaped rows, best first (the recorder's snapshot input). */
function bestFirstRows(side: { prices: Float64Array; sizes: Float64Array; count: number }): [number, number][] {
  const rows: [number, number][] = [];
  for (let i = side.count - 1; i >= 0; i--) rows.push([side.prices[i]!, side.sizes[i]!]);
  return rows;
}
