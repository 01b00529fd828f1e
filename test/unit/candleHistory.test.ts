import { describe, expect, test } from 'vitest';
import { CandleHistory, type OhlcvRow } from '../../src/feeds/ccxt/candleHistory';
import { ErrorAction } from '../../src/feeds/ccxt/ccxtErrors';

const MIN = 60_000;

/** A fake exchange's klines endpoint: latest `limit` without `since`, else from `since`; serves at most `cap`. */
class Klines {
  rows: number[][] = [];
  requests: { tf: string; since: number | undefined; limit: number }[] = [];
  cap = 1000;
  delayMs = 0;
  failures: Error[] = [];
  constructor(bars: number, start = 100 * MIN) {
    for (let i = 0; i < bars; i++) this.add(start + i * MIN, 100 + i);
  }
  add(time: number, close: number): void {
    this.rows.push([time, close, close, close, close, 1]);
  }
  fetch = async (tf: string, since: number | undefined, limit: number): Promise<OhlcvRow[]> => {
    this.requests.push({ tf, since, limit });
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    const n = Math.min(limit, this.cap);
    return since === undefined ? this.rows.slice(-n) : this.rows.filter((row) => row[0]! >= since).slice(0, n);
  };
}

function makeHistory(klines: Klines, historyBars = 700) {
  const delivered: OhlcvRow[][] = [];
  const deliveredTfs: string[] = [];
  const clock = { now: 0 };
  const history = new CandleHistory(
    '1m',
    { historyBars, pageLimit: 1000, backoff: { baseMs: 2, factor: 2, maxMs: 10, jitter: 0 } },
    {
      fetchOHLCV: klines.fetch,
      deliver: (tf, rows) => {
        deliveredTfs.push(tf);
        delivered.push(rows);
      },
      classify: (error) => ((error as Error).message === 'refused' ? ErrorAction.Stop : ErrorAction.Retry),
      stopMessage: (error) => (error as Error).message,
      reason: (error) => (error as Error).message,
      statusChanged: () => undefined,
      now: () => clock.now,
    },
  );
  return { history, delivered, deliveredTfs, clock };
}

async function settled(history: CandleHistory): Promise<void> {
  // The queue is idle once a no-op settle has run through it.
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 2));
  void history;
}

const times = (rows: OhlcvRow[]): number[] => rows.map((row) => row[0]!);

describe('CandleHistory', () => {
  test('load: the newest historyBars bars, paged backwards at the size the exchange serves', async () => {
    const klines = new Klines(2000);
    klines.cap = 300;
    const { history, delivered } = makeHistory(klines, 700);
    history.load();
    await settled(history);
    expect(delivered).toHaveLength(1);
    expect(times(delivered[0]!)).toEqual(times(klines.rows.slice(-700)));
    expect(klines.requests.map((r) => r.limit)).toEqual([700, 300, 100]);
    expect(history.status.state).toBe('live');
  });

  test('load stops when the exchange has no older bars', async () => {
    const klines = new Klines(50);
    const { history, delivered } = makeHistory(klines, 700);
    history.load();
    await settled(history);
    expect(times(delivered[0]!)).toEqual(times(klines.rows));
    expect(klines.requests.length).toBeLessThanOrEqual(2);
  });

  test('settle: the bar open when fetched is fetched again once a later bar trades, and only closed bars are delivered', async () => {
    const klines = new Klines(10);
    const { history, delivered } = makeHistory(klines);
    const newest = klines.rows.at(-1)![0]!;
    history.load();
    await settled(history);
    history.onTrade(newest + 30_000); // same bar: nothing to do
    await settled(history);
    expect(delivered).toHaveLength(1);
    klines.rows.at(-1)![4] = 999; // the exchange's final close of that bar
    klines.add(newest + MIN, 200);
    history.onTrade(newest + MIN + 1);
    await settled(history);
    expect(delivered).toHaveLength(2);
    expect(delivered[1]).toEqual([[newest, 109, 109, 109, 999, 1]]);
    history.onTrade(newest + 2 * MIN); // nothing left to settle
    await settled(history);
    expect(delivered).toHaveLength(2);
    expect(history.stats.settles).toBe(1);
  });

  test('refill after an interruption: from the bar held before the gap, then the restart bar is settled', async () => {
    const klines = new Klines(10);
    const { history, delivered, clock } = makeHistory(klines);
    history.load();
    await settled(history);
    const before = klines.rows.at(-1)![0]!;
    history.onTrade(before + 1);
    history.tradesInterrupted();
    // five minutes pass with no trade stream; the exchange goes on
    for (let i = 1; i <= 5; i++) klines.add(before + i * MIN, 300 + i);
    clock.now = 5 * MIN;
    history.onTrade(before + 5 * MIN + 10); // first trade after the reconnect
    history.refill();
    await settled(history);
    const refill = delivered.find((rows) => rows[0]![0]! <= before && rows.at(-1)![0]! === before + 5 * MIN);
    expect(refill).toBeDefined();
    expect(klines.requests.find((r) => r.since === undefined && r.limit < 1000)).toBeDefined();
    const count = delivered.length;
    klines.add(before + 6 * MIN, 400);
    history.onTrade(before + 6 * MIN);
    await settled(history);
    expect(delivered.length).toBe(count + 1);
    expect(times(delivered.at(-1)!)).toEqual([before + 5 * MIN]);
  });

  test('failures are retried with backoff; a refusal stops history and says so', async () => {
    const klines = new Klines(10);
    klines.failures = [new Error('timeout'), new Error('timeout')];
    const { history, delivered } = makeHistory(klines);
    const states: string[] = [];
    history.load();
    for (let i = 0; i < 50 && delivered.length === 0; i++) {
      states.push(history.status.state);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(delivered).toHaveLength(1);
    expect(states).toContain('reconnecting');
    expect(history.status.state).toBe('live');

    const refused = new Klines(10);
    refused.failures = [new Error('refused')];
    const second = makeHistory(refused);
    second.history.load();
    await settled(second.history);
    expect(second.history.status).toMatchObject({ state: 'error', detail: 'candle history: refused' });
    // Scrolling back on a refused history says why and asks nothing.
    await expect(second.history.fetchOlder('1m', 200 * MIN, 10)).rejects.toThrow('candle history: refused');
    expect(refused.requests).toHaveLength(1);
    second.history.refill();
    await settled(second.history);
    expect(refused.requests).toHaveLength(1);
  });

  test('a timeframe switch drops the reply for the old timeframe and loads the new one', async () => {
    const klines = new Klines(10);
    klines.delayMs = 20;
    const { history, deliveredTfs } = makeHistory(klines);
    history.load();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(klines.requests.map((r) => r.tf)).toEqual(['1m']); // in flight
    history.setTimeframe('5m');
    for (let i = 0; i < 50 && deliveredTfs.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(deliveredTfs).toEqual(['5m']);
    await history.close();
  });

  test('older pages: the bars before a given one, paged backwards at the size the exchange serves, then none at its first bar', async () => {
    const klines = new Klines(2000);
    klines.cap = 300;
    const { history, delivered } = makeHistory(klines, 700);
    history.load();
    await settled(history);
    const loaded = delivered[0]!;
    klines.requests.length = 0;
    const page = await history.fetchOlder('1m', loaded[0]![0]!, 500);
    expect(page).not.toBe('none');
    expect(times(page as OhlcvRow[])).toEqual(times(klines.rows.slice(2000 - 700 - 500, 2000 - 700)));
    expect(klines.requests.map((r) => r.limit)).toEqual([300, 200]);
    // Not delivered: the session merges it.
    expect(delivered).toHaveLength(1);
    let oldest = (page as OhlcvRow[])[0]![0]!;
    const pages: number[] = [];
    for (;;) {
      const older = await history.fetchOlder('1m', oldest, 500);
      if (older === 'none') break;
      pages.push(older.length);
      oldest = older[0]![0]!;
    }
    expect(pages).toEqual([500, 300]);
    expect(oldest).toBe(klines.rows[0]![0]);
    await history.close();
  });

  test('an older page retries a failed request with backoff, gives up after three attempts with the reason, and works when asked again', async () => {
    const klines = new Klines(100);
    const { history } = makeHistory(klines, 50);
    history.load();
    await settled(history);
    const before = klines.rows[50]![0]!;
    klines.failures = [new Error('HTTP 500'), new Error('HTTP 500')];
    const retried = await history.fetchOlder('1m', before, 10);
    expect(times(retried as OhlcvRow[])).toEqual(times(klines.rows.slice(40, 50)));
    klines.failures = [new Error('HTTP 500'), new Error('HTTP 500'), new Error('HTTP 500')];
    await expect(history.fetchOlder('1m', before, 10)).rejects.toThrow('HTTP 500; 3 attempts');
    const again = await history.fetchOlder('1m', before, 10);
    expect(times(again as OhlcvRow[])).toEqual(times(klines.rows.slice(40, 50)));
    klines.failures = [new Error('refused')];
    const requests = klines.requests.length;
    await expect(history.fetchOlder('1m', before, 10)).rejects.toThrow('refused');
    expect(klines.requests.length).toBe(requests + 1); // a refusal is not retried
    await expect(history.fetchOlder('5m', before, 10)).rejects.toThrow("not the chart's timeframe");
    await history.close();
  });
});
