/**
 * Checks on an exchange's markets reply before anything uses it. ccxt takes an HTML page or an
 * empty body for "no markets" without an error (its JSON parse gives up quietly and the exchange's
 * parser finds no list), which would make every symbol look unlisted for good; here such a reply
 * is a retryable failure that says what came back.
 */

/** ccxt's parsed market fields this checks. */
interface ParsedMarket {
  id?: unknown;
  symbol?: unknown;
}

/**
 * What is wrong with the raw body of a reply that should be JSON, or undefined when it looks like
 * JSON. O(1) (looks at the first characters).
 */
export function replyBodyProblem(body: unknown, contentType: unknown): string | undefined {
  const text = typeof body === 'string' ? body.trim() : '';
  if (text === '') return 'the reply was empty';
  if (text[0] === '{' || text[0] === '[') return undefined;
  const head = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return `the reply was not JSON (${typeof contentType === 'string' ? contentType : 'no content type'}): ${JSON.stringify(head)}`;
}

/**
 * The markets of ccxt's `fetchMarkets` result that can be used (a string id and symbol), or the
 * reason there are none. O(markets); allocates the list only when some are dropped.
 */
export function usableMarkets(markets: unknown): { markets: unknown[]; problem?: undefined } | { markets?: undefined; problem: string } {
  if (!Array.isArray(markets)) return { problem: `the markets were not a list but ${markets === null ? 'null' : typeof markets}` };
  if (markets.length === 0) return { problem: 'the reply listed no markets' };
  let usable = 0;
  for (const market of markets) if (isUsable(market)) usable++;
  if (usable === 0) return { problem: `none of the ${markets.length} markets listed has a symbol and an id (wrong types)` };
  return { markets: usable === markets.length ? markets : markets.filter(isUsable) };
}

function isUsable(market: unknown): boolean {
  if (typeof market !== 'object' || market === null) return false;
  const { id, symbol } = market as ParsedMarket;
  return typeof id === 'string' && id !== '' && typeof symbol === 'string' && symbol !== '' && !symbol.includes('undefined');
}

/**
 * Lets the host's event loop run before the next synchronous stretch: a timer, not
 * `setImmediate`, whose callback runs in the same loop turn as the I/O that led here, before any
 * timer is due again.
 */
export function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
