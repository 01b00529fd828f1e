/**
 * Loads a cryptofeed OKX websocket capture (`<ts>: <json>` received, `<url> <- <ts>: <json>`
 * sent, `<url> <-> <ts>` connected) into a tape: `books` snapshots and updates (the 2022 capture
 * carries checksums but no sequence ids; the fake exchange numbers them), `trades` and `tickers`,
 * for the instruments asked for. Events are timed on the exchange's `ts`. Everything up to the
 * last instrument's book snapshot is history, played silently.
 */
import { readFileSync } from 'node:fs';
import type { LevelRow } from './levelBook';
import { CaptureError } from './binanceCapture';

/** One OKX public trade as the `trades` channel writes it. */
export interface OkxTradeRow {
  instId: string;
  tradeId: string;
  px: string;
  sz: string;
  side: 'buy' | 'sell';
  ts: string;
}

export type OkxTapeEvent =
  | {
      kind: 'book';
      t: number;
      instId: string;
      action: 'snapshot' | 'update';
      bids: LevelRow[];
      asks: LevelRow[];
      ts: string;
      /** The checksum the exchange sent, kept to verify the fake exchange's own book. */
      checksum: number;
    }
  | { kind: 'trade'; t: number; instId: string; trade: OkxTradeRow }
  | { kind: 'ticker'; t: number; instId: string; ticker: Record<string, unknown> };

export interface OkxTape {
  events: OkxTapeEvent[];
  /** Index of the first event to broadcast. */
  start: number;
  rejectedLines: number;
}

/**
 * Reads the capture, keeping only `instIds` (those absent from it simply get no events).
 * Throws CaptureError when none of them has a book snapshot. O(lines); allocates the tape.
 */
export function loadOkxCapture(path: string, instIds: readonly string[]): OkxTape {
  const wanted = new Set(instIds);
  const snapshotSeen = new Set<string>();
  const events: OkxTapeEvent[] = [];
  let start = 0;
  let rejectedLines = 0;
  let clock = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.length === 0 || line.startsWith('wss://') || line.startsWith('ws://')) continue;
    const colon = line.indexOf(': ');
    let message: unknown;
    try {
      message = JSON.parse(line.slice(colon + 2));
    } catch {
      rejectedLines++;
      continue;
    }
    if (typeof message !== 'object' || message === null) {
      rejectedLines++;
      continue;
    }
    const { arg, data, action } = message as { arg?: { channel?: string; instId?: string }; data?: unknown; action?: string };
    if (arg === undefined || !Array.isArray(data)) continue; // subscribe acks and other events
    const instId = arg.instId;
    if (instId === undefined || !wanted.has(instId)) continue;
    for (const item of data as Record<string, unknown>[]) {
      const t = Math.max(clock, Number(item.ts));
      if (!Number.isFinite(t)) {
        rejectedLines++;
        continue;
      }
      if (arg.channel === 'books' && (action === 'snapshot' || action === 'update')) {
        if (action === 'update' && !snapshotSeen.has(instId)) continue;
        if (action === 'snapshot') snapshotSeen.add(instId);
        events.push({
          kind: 'book',
          t,
          instId,
          action,
          bids: item.bids as LevelRow[],
          asks: item.asks as LevelRow[],
          ts: String(item.ts),
          checksum: Number(item.checksum),
        });
        if (action === 'snapshot') start = events.length;
      } else if (arg.channel === 'trades') {
        events.push({ kind: 'trade', t, instId, trade: item as unknown as OkxTradeRow });
      } else if (arg.channel === 'tickers') {
        events.push({ kind: 'ticker', t, instId, ticker: item });
      } else {
        continue;
      }
      clock = t;
    }
  }
  if (snapshotSeen.size === 0) throw new CaptureError(`OKX capture has no books snapshot for ${instIds.join(', ')}`);
  return { events, start, rejectedLines };
}
