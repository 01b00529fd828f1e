/**
 * Candle intervals as Binance (`1s`..`1M`) and OKX (`1s`..`1M`, `1H`, `1Dutc`, ...) name them,
 * with each exchange's alignment: Binance aligns everything on UTC (weeks start Monday); OKX
 * aligns 6H and longer bars on Hong Kong time (UTC+8) unless the name ends in `utc`.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** 1970-01-01 was a Thursday; Monday-aligned weeks start 4 days after the epoch. */
const MONDAY_OFFSET = 4 * DAY;
const HONG_KONG = 8 * HOUR;

/** Where a bar containing a time opens, and where the next one opens. */
export interface CandleInterval {
  /** The name as the exchange spells it. */
  readonly name: string;
  /** Open time of the bar containing `time` (ms). O(1). */
  openOf(time: number): number;
  /** Open time of the bar after the one opening at `open`. O(1). */
  nextOpen(open: number): number;
}

const BINANCE_UNITS: Record<string, number> = { s: SECOND, m: MINUTE, h: HOUR, d: DAY, w: WEEK };
const OKX_UNITS: Record<string, number> = { s: SECOND, m: MINUTE, H: HOUR, D: DAY, W: WEEK };

/** Parses a Binance kline interval (`1m`, `4h`, `1w`, `1M`, ...). Undefined when unknown. */
export function binanceInterval(name: string): CandleInterval | undefined {
  const allowed = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'];
  if (!allowed.includes(name)) return undefined;
  if (name === '1M') return monthInterval(name, 0);
  const length = Number(name.slice(0, -1)) * BINANCE_UNITS[name.slice(-1)];
  return fixedInterval(name, length, name.endsWith('w') ? MONDAY_OFFSET : 0);
}

/** Parses an OKX candle bar (`1m`, `1H`, `1D`, `1Dutc`, `1M`, ...). Undefined when unknown. */
export function okxInterval(name: string): CandleInterval | undefined {
  const utc = name.endsWith('utc');
  const base = utc ? name.slice(0, -3) : name;
  const allowed = ['1s', '1m', '3m', '5m', '15m', '30m', '1H', '2H', '4H', '6H', '12H', '1D', '2D', '3D', '1W', '1M', '3M'];
  if (!allowed.includes(base)) return undefined;
  const long = ['6H', '12H', '1D', '2D', '3D', '1W', '1M', '3M'].includes(base);
  if (utc && !long) return undefined;
  const zone = long && !utc ? HONG_KONG : 0;
  if (base.endsWith('M')) return monthInterval(name, zone, Number(base.slice(0, -1)));
  const length = Number(base.slice(0, -1)) * OKX_UNITS[base.slice(-1)];
  return fixedInterval(name, length, (base.endsWith('W') ? MONDAY_OFFSET : 0) - zone);
}

function fixedInterval(name: string, length: number, offset: number): CandleInterval {
  return {
    name,
    openOf: (time) => Math.floor((time - offset) / length) * length + offset,
    nextOpen: (open) => open + length,
  };
}

function monthInterval(name: string, zone: number, months = 1): CandleInterval {
  return {
    name,
    openOf(time) {
      const local = new Date(time + zone);
      const month = local.getUTCMonth() - (local.getUTCMonth() % months);
      return Date.UTC(local.getUTCFullYear(), month, 1) - zone;
    },
    nextOpen(open) {
      const local = new Date(open + zone);
      return Date.UTC(local.getUTCFullYear(), local.getUTCMonth() + months, 1) - zone;
    },
  };
}
