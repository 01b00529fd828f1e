/**
 * Loads an exchange's markets on a worker thread. ccxt parses a markets reply and indexes the
 * markets synchronously (for 20 000 markets, seconds at a time): done on the extension host's
 * thread, that freezes every status bar and panel. The worker runs ccxt's own `fetchMarkets` and
 * `setMarkets` with the venue's config and sends the indexed markets back in small batches, the
 * next only when the host asks for it after a turn of its event loop (so each is copied in on a
 * turn of its own); the host rebuilds the id index a batch per turn and hands everything to ccxt's
 * `setMarketsFromExchange`.
 *
 * The worker loads ccxt's CommonJS build: the extension bundle's sibling chunk (`dist/ccxt.js`),
 * else the package. Where neither can be found, `ccxtModulePath` is undefined and the caller
 * loads in-thread.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { yieldToHost } from './marketList';

/** Markets (or currencies) sent per message: a batch is copied in by the host in a few ms. */
const BATCH = 250;
/** Markets indexed by id per turn of the host's event loop. */
const INDEX_BATCH = 2000;

/** What the host asks for. */
export interface MarketsRequest {
  ccxtPath: string;
  exchangeId: string;
  /** ccxt constructor config (plain data). */
  config: Record<string, unknown>;
}

/** What the worker reports besides the markets. */
export interface MarketsWorkerEvents {
  /** A REST request went out (method and path, for the error message). */
  request(method: string, path: string): void;
  /** A reply came back: its status, headers and the start of its body. */
  reply(status: number, headers: Record<string, string>, bodyHead: string): void;
}

/** The fields of ccxt's `setMarketsFromExchange` source. */
export interface LoadedMarkets {
  markets: Record<string, { id: string; symbol: string }>;
  markets_by_id: Record<string, { id: string; symbol: string }[]>;
  symbols: string[];
  ids: string[];
  currencies: Record<string, unknown>;
  currencies_by_id: Record<string, unknown>;
  baseCurrencies: Record<string, unknown> | undefined;
  quoteCurrencies: Record<string, unknown> | undefined;
  codes: string[];
  options: Record<string, unknown>;
}

/** A failure in the worker, rebuilt as the ccxt error class it was (by name) by the caller. */
export class WorkerError extends Error {
  constructor(
    readonly className: string,
    message: string,
  ) {
    super(message);
  }
}

/** Path of a CommonJS ccxt a worker can `require`, or undefined. */
export function ccxtModulePath(): string | undefined {
  const sibling = join(__dirname, 'ccxt.js');
  if (existsSync(sibling)) return sibling;
  try {
    return createRequire(__filename).resolve('ccxt');
  } catch {
    return undefined;
  }
}

/**
 * The worker: plain JavaScript (it is evaluated, not bundled). A failure is sent with the name
 * ccxt exports its error class under, so the host classifies it as if it had happened in-thread.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { ccxtPath, exchangeId, config, batch } = workerData;
let ccxt;
(async () => {
  ccxt = require(ccxtPath);
  const exchange = new ccxt[exchangeId](config);
  const send = exchange.fetch.bind(exchange);
  exchange.fetch = (url, method, headers, body) => {
    let path = url;
    try { path = new URL(url).pathname; } catch {}
    parentPort.postMessage({ kind: 'request', method: method || 'GET', path });
    return send(url, method, headers, body);
  };
  const seen = exchange.onRestResponse.bind(exchange);
  exchange.onRestResponse = (status, statusText, url, method, headers, body, ...rest) => {
    parentPort.postMessage({ kind: 'reply', status, headers: { ...headers }, bodyHead: typeof body === 'string' ? body.slice(0, 200) : '' });
    return seen(status, statusText, url, method, headers, body, ...rest);
  };
  await exchange.loadHttpProxyAgent();
  const currencies = exchange.has.fetchCurrencies === true ? await exchange.fetchCurrencies() : undefined;
  if (currencies !== undefined) exchange.options.cachedCurrencies = currencies;
  const markets = await exchange.fetchMarkets();
  delete exchange.options.cachedCurrencies;
  if (!Array.isArray(markets)) throw new ccxt.BadResponse('the markets were not a list but ' + (markets === null ? 'null' : typeof markets));
  exchange.setMarkets(markets, currencies);
  // One batch at a time, each after the host asks: queued messages would be copied in together.
  const asked = () => new Promise((resolve) => parentPort.once('message', resolve));
  const sendInBatches = async (field, items) => {
    for (let i = 0; i < items.length; i += batch) {
      parentPort.postMessage({ kind: 'batch', field, items: items.slice(i, i + batch) });
      await asked();
    }
  };
  await sendInBatches('markets', Object.values(exchange.markets));
  for (const field of ['currencies', 'currencies_by_id', 'baseCurrencies', 'quoteCurrencies']) {
    if (exchange[field]) await sendInBatches(field, Object.entries(exchange[field]));
  }
  const helpers = {};
  for (const name of exchange.options.marketHelperProps || []) helpers[name] = exchange.options[name];
  parentPort.postMessage({ kind: 'done', codes: exchange.codes, options: { marketHelperProps: exchange.options.marketHelperProps, ...helpers } });
})().catch((error) => {
  // The exported name of its nearest ccxt error class (a minified build renames the classes).
  const names = new Map();
  for (const [name, value] of Object.entries(ccxt || {})) {
    if (typeof value === 'function' && value.prototype instanceof Error) names.set(value, name);
  }
  let className = 'Error';
  for (let proto = error && Object.getPrototypeOf(error); proto; proto = Object.getPrototypeOf(proto)) {
    const name = names.get(proto.constructor);
    if (name !== undefined) {
      className = name;
      break;
    }
  }
  parentPort.postMessage({ kind: 'error', className, message: String((error && error.message) || error) });
});
`;

/** The dictionaries sent in batches of entries besides the markets. */
type DictionaryField = 'currencies' | 'currencies_by_id' | 'baseCurrencies' | 'quoteCurrencies';

type WorkerMessage =
  | { kind: 'request'; method: string; path: string }
  | { kind: 'reply'; status: number; headers: Record<string, string>; bodyHead: string }
  | { kind: 'batch'; field: 'markets'; items: { id: string; symbol: string }[] }
  | { kind: 'batch'; field: DictionaryField; items: [string, unknown][] }
  | { kind: 'done'; codes: string[]; options: Record<string, unknown> }
  | { kind: 'error'; className: string; message: string };

/**
 * Loads the markets on a worker thread. Rejects WorkerError with ccxt's class name and message
 * when ccxt failed there; an abort stops the worker. The host's longest synchronous stretch is
 * one batch's copy or index.
 */
export function loadMarketsOffThread(request: MarketsRequest, events: MarketsWorkerEvents, signal: AbortSignal): Promise<LoadedMarkets> {
  return new Promise<LoadedMarkets>((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error('closed before the markets were loaded'));
      return;
    }
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...request, batch: BATCH } });
    const list: { id: string; symbol: string }[] = [];
    const dictionaries: Record<DictionaryField, Record<string, unknown> | undefined> = { currencies: undefined, currencies_by_id: undefined, baseCurrencies: undefined, quoteCurrencies: undefined };
    let settled = false;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      outcome();
    };
    worker.on('message', (message: WorkerMessage) => {
      switch (message.kind) {
        case 'request':
          events.request(message.method, message.path);
          return;
        case 'reply':
          events.reply(message.status, message.headers, message.bodyHead);
          return;
        case 'batch':
          if (message.field === 'markets') {
            for (const market of message.items) list.push(market);
          } else {
            const dictionary = (dictionaries[message.field] ??= {});
            for (const [key, value] of message.items) dictionary[key] = value;
          }
          // the next batch once the host's event loop has had a turn
          void yieldToHost().then(() => worker.postMessage('next'));
          return;
        case 'error':
          finish(() => reject(new WorkerError(message.className, message.message)));
          return;
        case 'done':
          finish(() =>
            indexMarkets(list).then(
              (indexed) =>
                resolve({
                  ...indexed,
                  currencies: dictionaries.currencies ?? {},
                  currencies_by_id: dictionaries.currencies_by_id ?? {},
                  baseCurrencies: dictionaries.baseCurrencies,
                  quoteCurrencies: dictionaries.quoteCurrencies,
                  codes: message.codes,
                  options: message.options,
                }),
              reject,
            ),
          );
          return;
      }
    });
    signal.addEventListener('abort', () => finish(() => reject(new Error('closed before the markets were loaded'))), { once: true });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the markets worker stopped (exit code ${code}) before answering`))));
  });
}

/** ccxt's market indexes from the list, a batch per turn of the event loop. */
async function indexMarkets(list: readonly { id: string; symbol: string }[]): Promise<Pick<LoadedMarkets, 'markets' | 'markets_by_id' | 'symbols' | 'ids'>> {
  const markets: LoadedMarkets['markets'] = {};
  const byId: LoadedMarkets['markets_by_id'] = {};
  for (let start = 0; start < list.length; start += INDEX_BATCH) {
    if (start > 0) await yieldToHost();
    const end = Math.min(list.length, start + INDEX_BATCH);
    for (let i = start; i < end; i++) {
      const market = list[i]!;
      markets[market.symbol] = market;
      const same = byId[market.id];
      if (same === undefined) byId[market.id] = [market];
      else same.push(market);
    }
  }
  await yieldToHost();
  const symbols = Object.keys(markets).sort();
  await yieldToHost();
  return { markets, markets_by_id: byId, symbols, ids: Object.keys(byId).sort() };
}
