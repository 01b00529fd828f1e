/**
 * The reference for the price ladder: the fake exchange's authoritative book grouped the way the
 * panel groups it (rows of `ticksPerRow` ticks, bids rounded down and asks up, empty rows left
 * out, best first, sizes summed, cumulative totals from the best), in exact decimal arithmetic.
 */
import type { BookSnapshot } from '../fakeExchange/FakeExchange';

/** Decimal places of the integer units the reference counts in (Binance states 8). */
const UNIT_DECIMALS = 8;
const UNIT = 10n ** BigInt(UNIT_DECIMALS);

/** "61693.70000000" → 6169370000000n (units of 1e-8). Throws on anything but a plain decimal. */
export function toUnits(text: string): bigint {
  const match = /^(\d+)(?:\.(\d{0,8}))?$/.exec(text);
  if (match === null) throw new Error(`not a plain decimal with at most ${UNIT_DECIMALS} places: ${text}`);
  return BigInt(match[1]!) * UNIT + BigInt((match[2] ?? '').padEnd(UNIT_DECIMALS, '0'));
}

/** Units written with `decimals` places (exact: the value must have no more places). */
export function formatUnits(units: bigint, decimals: number): string {
  const scale = 10n ** BigInt(UNIT_DECIMALS - decimals);
  if (units % scale !== 0n) throw new Error(`${units} units need more than ${decimals} decimals`);
  const scaled = units / scale;
  const whole = scaled / 10n ** BigInt(decimals);
  const fraction = (scaled % 10n ** BigInt(decimals)).toString().padStart(decimals, '0');
  return decimals === 0 ? whole.toString() : `${whole}.${fraction}`;
}

export interface LadderRow {
  price: bigint;
  size: bigint;
  cumulative: bigint;
}

/** One side grouped: at most `rows` rows, best first. O(levels). */
export function groupSide(levels: readonly [string, string][], isBid: boolean, tickSize: string, ticksPerRow: number, rows: number): LadderRow[] {
  const bucket = toUnits(tickSize) * BigInt(ticksPerRow);
  const out: LadderRow[] = [];
  let cumulative = 0n;
  for (const [priceText, sizeText] of levels) {
    const price = toUnits(priceText);
    const size = toUnits(sizeText);
    const floor = (price / bucket) * bucket;
    const row = isBid || floor === price ? floor : floor + bucket;
    const last = out.at(-1);
    if (last === undefined || last.price !== row) {
      if (out.length === rows) break;
      out.push({ price: row, size: 0n, cumulative: 0n });
    }
    const current = out.at(-1)!;
    current.size += size;
    cumulative += size;
    current.cumulative = cumulative;
  }
  return out;
}

/** Both sides of `book` grouped like the panel's ladder. */
export function groupBook(book: BookSnapshot, tickSize: string, ticksPerRow: number, rows: number): { bids: LadderRow[]; asks: LadderRow[] } {
  return { bids: groupSide(book.bids, true, tickSize, ticksPerRow, rows), asks: groupSide(book.asks, false, tickSize, ticksPerRow, rows) };
}

/** Rows as numbers [price, size, cumulative] (what the panel's model holds). */
export function rowsAsNumbers(rows: readonly LadderRow[]): number[][] {
  const n = (units: bigint): number => Number(formatUnits(units, UNIT_DECIMALS));
  return rows.map((row) => [n(row.price), n(row.size), n(row.cumulative)]);
}

/** Rows as the ladder writes them: price and amounts with the market's decimals. */
export function rowsAsText(rows: readonly LadderRow[], pricePrecision: number, amountPrecision: number): string[][] {
  return rows.map((row) => [formatUnits(row.price, pricePrecision), formatUnits(row.size, amountPrecision), formatUnits(row.cumulative, amountPrecision)]);
}
