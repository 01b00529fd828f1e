/**
 * Matches the symbol a user asks for with the instrument names inside a recording, across
 * spellings: ccxt's `BTC/USDT`, Binance's `BTCUSDT`, OKX's `BTC-USDT`; ccxt's swap
 * `BTC/USDT:USDT` with OKX's `BTC-USDT-SWAP`; ccxt's future `BTC/USD:BTC-220527` with
 * `BTC-USD-220527`.
 */

/** Letters and digits only, upper case: `BTC/USDT` and `btc-usdt` both give `BTCUSDT`. */
export function instrumentKey(symbol: string): string {
  return symbol.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The key without derivative decorations: ccxt's `:SETTLE`, OKX's `-SWAP` (the expiry is kept). */
function looseKey(symbol: string): string {
  let s = symbol.toUpperCase();
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const expiry = /-(\d{6,8})$/.exec(s.slice(colon));
    s = s.slice(0, colon) + (expiry !== null ? expiry[1] : '');
  }
  return s.replace(/-SWAP$/, '').replace(/[^A-Z0-9]/g, '');
}

/** A derivative's name: ccxt's `BASE/QUOTE:SETTLE`, OKX's `-SWAP` or an expiry suffix. */
function isDerivative(symbol: string): boolean {
  return symbol.includes(':') || /-SWAP$/i.test(symbol) || /-\d{6,8}$/.test(symbol);
}

/**
 * The name in `names` that `wanted` means: the exact key first, else the one loose match (when
 * several, the one of the same kind, spot or derivative); `wanted` = '' takes the first name.
 * Null when none, or several alike, match. O(names).
 */
export function matchInstrument(wanted: string, names: readonly string[]): string | null {
  if (wanted.trim() === '') return names.length > 0 ? names[0]! : null;
  const key = instrumentKey(wanted);
  const exact = names.find((name) => instrumentKey(name) === key);
  if (exact !== undefined) return exact;
  const loose = looseKey(wanted);
  const candidates = names.filter((name) => looseKey(name) === loose);
  if (candidates.length === 1) return candidates[0]!;
  const sameKind = candidates.filter((name) => isDerivative(name) === isDerivative(wanted));
  return sameKind.length === 1 ? sameKind[0]! : null;
}
