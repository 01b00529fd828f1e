/**
 * The live market's facts (exchange, symbol, tick size, precisions) as a recording stores them,
 * so its replay shows prices and amounts with the decimals the live chart showed. Without them
 * the replay can only guess from the numbers (`inferMarketFacts`), and one deep book level with a
 * 6-decimal size makes a 5-decimal market read `0.453760` for `0.45376`.
 *
 * - Raw capture (`*.gz`): the file's first line is
 *   `<receive_ns> {"orderscope":{"marketFacts":{"exchange":…,"symbol":…,"tickSize":…,"pricePrecision":…,"amountPrecision":…}}}`.
 *   It keeps the `<receive_ns> <JSON>` shape of every capture line, so a reader of Binance
 *   captures that skips messages of unknown types reads the file as before; `CaptureReader`
 *   recognizes it on a file's first line and skips it without counting it unknown or malformed.
 * - Order-flow database (`*.db`): the `orderscope_market_facts` table (`orderFlowSchema.ts`).
 *
 * A recording without them (older ones, third-party captures) replays with inferred facts.
 */
import type { MarketFacts } from '../engine/protocol';

/** How a capture's metadata line's JSON starts (after `<receive_ns> `). */
export const CAPTURE_METADATA_PREFIX = '{"orderscope":';

/** The capture metadata line's JSON for `facts` (no receive time, no newline). */
export function captureMetadataJson(facts: MarketFacts): string {
  return JSON.stringify({ orderscope: { marketFacts: pickFacts(facts) } });
}

/** Does `text` hold the capture metadata JSON at `start`? O(prefix). */
export function isCaptureMetadata(text: string, start: number): boolean {
  return text.startsWith(CAPTURE_METADATA_PREFIX, start);
}

/**
 * The facts in a capture metadata line's JSON; null when it is none, or a string saying what is
 * wrong with it (the replay then infers the facts).
 */
export function parseCaptureMetadata(json: string): MarketFacts | string | null {
  if (!isCaptureMetadata(json, 0)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return 'the Orderscope metadata line is not valid JSON';
  }
  const facts = (parsed as { orderscope?: { marketFacts?: unknown } }).orderscope?.marketFacts;
  return recordedMarketFacts(facts as Record<string, unknown> | undefined);
}

/** `row` as market facts when every field is usable, else a string saying which is not. */
export function recordedMarketFacts(row: Record<string, unknown> | undefined | null): MarketFacts | string {
  if (row === undefined || row === null || typeof row !== 'object') return 'the recorded market facts are missing';
  const { exchange, symbol, tickSize, pricePrecision, amountPrecision } = row;
  if (typeof exchange !== 'string' || typeof symbol !== 'string') return 'the recorded market facts lack the exchange or symbol';
  if (typeof tickSize !== 'number' || !(tickSize > 0 && tickSize < Infinity)) return `the recorded tick size ${String(tickSize)} is not a positive number`;
  for (const [name, value] of [
    ['price', pricePrecision],
    ['amount', amountPrecision],
  ] as const) {
    if (!(Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 20)) return `the recorded ${name} precision ${String(value)} is not 0 to 20 decimals`;
  }
  return { exchange, symbol, tickSize, pricePrecision: pricePrecision as number, amountPrecision: amountPrecision as number };
}

function pickFacts(facts: MarketFacts): MarketFacts {
  const { exchange, symbol, tickSize, pricePrecision, amountPrecision } = facts;
  return { exchange, symbol, tickSize, pricePrecision, amountPrecision };
}
