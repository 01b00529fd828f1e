import { describe, expect, test } from 'vitest';
import { ErrorAction } from '../../src/feeds/ccxt/ccxtErrors';
import type { CcxtExchange } from '../../src/feeds/ccxt/loadCcxt';
import type { StreamStatus } from '../../src/feeds/ccxt/streamStatus';
import { TickerHub, type TickerHubHost } from '../../src/feeds/ccxt/tickerHub';

/** ccxt's BadSymbol as the hub's host recognises it. */
class BadSymbol extends Error {
  override readonly name = 'BadSymbol';
}

/**
 * An exchange whose websocket `watchTickers` answers through `respond`; every symbol list asked
 * for (by the hub's stream client and by its probes) is recorded in `batches`.
 */
function makeHub(respond: (symbols: string[]) => Promise<Record<string, { symbol: string; last: number }>>, options: { ids?: Record<string, string>; listed?: (symbol: string) => boolean } = {}) {
  const batches: string[][] = [];
  const exchange = { id: 'fakex', has: { watchTickers: true }, rateLimit: 0 } as unknown as CcxtExchange;
  const host: TickerHubHost = {
    exchange,
    streaming: true,
    createStreamClient: async () => {
      return {
        watchTickers: (symbols: string[]) => {
          batches.push([...symbols]);
          return respond(symbols);
        },
        close: async () => undefined,
      } as unknown as CcxtExchange;
    },
    closeStreamClient: async () => undefined,
    classify: (error) => (error instanceof BadSymbol ? ErrorAction.Stop : ErrorAction.Retry),
    reason: (error) => (error as Error).message,
    stopMessage: (error, symbol) => (error instanceof BadSymbol ? `fakex does not list symbol ${symbol}` : `fakex ${symbol}: ${(error as Error).message}`),
    symbolProblem: (symbol) => (options.listed === undefined || options.listed(symbol) ? undefined : `fakex does not list symbol ${symbol}`),
    marketId: (symbol) => options.ids?.[symbol],
    isSymbolRefusal: (error) => error instanceof BadSymbol,
    now: () => Date.now(),
  };
  const hub = new TickerHub(host, {
    backoff: { baseMs: 5, factor: 2, maxMs: 20, jitter: 0 },
    staleAfterMs: 10_000,
    reconnectAfterMs: 60_000,
    pollIntervalMs: 1000,
    watchdogIntervalMs: 60_000,
  });
  const seen = new Map<string, { tickers: number; statuses: StreamStatus[] }>();
  const subscribe = (symbol: string) => {
    const record = { tickers: 0, statuses: [] as StreamStatus[] };
    seen.set(symbol, record);
    return hub.subscribe(symbol, { ticker: () => record.tickers++, status: (status) => record.statuses.push(status) });
  };
  return { hub, batches, seen, subscribe };
}

/** Answers with a ticker for every symbol after a short delay (a live stream). */
function live(symbols: string[]): Promise<Record<string, { symbol: string; last: number }>> {
  return new Promise((resolve) => setTimeout(() => resolve(Object.fromEntries(symbols.map((symbol) => [symbol, { symbol, last: 1 }]))), 2));
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(check()).toBe(true);
}

const lastState = (record: { statuses: StreamStatus[] } | undefined) => record?.statuses.at(-1)?.state;

describe('TickerHub: failures are per symbol', () => {
  test('a symbol the markets do not list gets an error at subscribe and never joins the batch; the others are live', async () => {
    const { hub, batches, seen, subscribe } = makeHub(live, { listed: (symbol) => symbol !== 'NOPE/USDT' });
    subscribe('BTC/USDT');
    const nope = subscribe('NOPE/USDT');
    subscribe('ETH/USDT');
    expect(seen.get('NOPE/USDT')!.statuses).toEqual([{ state: 'error', detail: 'fakex does not list symbol NOPE/USDT', value: 0, attempt: 0, retryAt: NaN }]);
    await until(() => lastState(seen.get('BTC/USDT')) === 'live' && lastState(seen.get('ETH/USDT')) === 'live');
    expect(batches.every((batch) => !batch.includes('NOPE/USDT'))).toBe(true);
    // the shared loop's statuses never reach the refused symbol
    expect(seen.get('NOPE/USDT')!.statuses).toHaveLength(1);
    expect(seen.get('NOPE/USDT')!.tickers).toBe(0);
    // leaving it changes nothing for the others
    const count = batches.length;
    nope.dispose();
    await until(() => batches.length > count + 2);
    expect(batches.at(-1)).toEqual(['BTC/USDT', 'ETH/USDT']);
    await hub.close();
  });

  test('a refusal naming the market id cuts that symbol out without probing', async () => {
    const { hub, batches, seen, subscribe } = makeHub(
      (symbols) => (symbols.includes('B/USDT') ? Promise.reject(new BadSymbol("Wrong URL or channel:tickers,instId:B-USDT doesn't exist.")) : live(symbols)),
      { ids: { 'A/USDT': 'A-USDT', 'B/USDT': 'B-USDT', 'AB/USDT': 'AB-USDT' } },
    );
    for (const symbol of ['A/USDT', 'AB/USDT', 'B/USDT']) subscribe(symbol);
    await until(() => lastState(seen.get('B/USDT')) === 'error');
    expect(seen.get('B/USDT')!.statuses.at(-1)!.detail).toBe('fakex does not list symbol B/USDT');
    await until(() => lastState(seen.get('A/USDT')) === 'live' && lastState(seen.get('AB/USDT')) === 'live');
    expect(batches.at(-1)).toEqual(['A/USDT', 'AB/USDT']);
    // no probe: only the whole batch, then the batch without B
    const keys = new Set(batches.map((batch) => batch.join()));
    expect([...keys]).toEqual(['A/USDT,AB/USDT,B/USDT', 'A/USDT,AB/USDT']);
    await hub.close();
  });

  test('a refusal that names no symbol: the refused one is found by asking for halves, then cut out', async () => {
    const { hub, batches, seen, subscribe } = makeHub((symbols) => (symbols.includes('C/USDT') ? Promise.reject(new BadSymbol('fakex {"code":-1121,"msg":"Invalid symbol."}')) : live(symbols)));
    for (const symbol of ['A/USDT', 'B/USDT', 'C/USDT', 'D/USDT']) subscribe(symbol);
    await until(() => lastState(seen.get('C/USDT')) === 'error');
    await until(() => ['A/USDT', 'B/USDT', 'D/USDT'].every((symbol) => lastState(seen.get(symbol)) === 'live'));
    expect(seen.get('C/USDT')!.statuses.at(-1)!.detail).toBe('fakex does not list symbol C/USDT');
    // the batch, then its halves [A, B] (accepted) and [C, D] (refused), then [C] and [D]
    expect(batches.slice(0, 5)).toEqual([['A/USDT', 'B/USDT', 'C/USDT', 'D/USDT'], ['A/USDT', 'B/USDT'], ['C/USDT', 'D/USDT'], ['C/USDT'], ['D/USDT']]);
    expect(batches.at(-1)).toEqual(['A/USDT', 'B/USDT', 'D/USDT']);
    await hub.close();
  });

  test('refused as a whole but accepted in parts: not one symbol is blamed; every symbol retries', async () => {
    let wholeRefusals = 0;
    const { hub, seen, subscribe } = makeHub((symbols) => {
      if (symbols.length === 2 && wholeRefusals < 1) {
        wholeRefusals++;
        return Promise.reject(new BadSymbol('fakex {"code":-1121,"msg":"Invalid symbol."}'));
      }
      return live(symbols);
    });
    subscribe('A/USDT');
    subscribe('B/USDT');
    await until(() => seen.get('A/USDT')!.statuses.some((status) => status.state === 'reconnecting'));
    expect(seen.get('A/USDT')!.statuses.find((status) => status.state === 'reconnecting')!.detail).toContain('(no single symbol refused)');
    await until(() => lastState(seen.get('A/USDT')) === 'live' && lastState(seen.get('B/USDT')) === 'live');
    expect([...seen.values()].some((record) => record.statuses.some((status) => status.state === 'error'))).toBe(false);
    await hub.close();
  });
});
