/**
 * The footprint backfill's progress in the status (the panel's progress bar reads it): the
 * backfill reports its share done at each step and why it failed, and nothing once done; the
 * session keeps it; the protocol carries it to the panel, refuses a malformed one, and counts a
 * change of it as a new status (so the frame builder sends it).
 */
import { describe, expect, it } from 'vitest';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import { ProtocolError, parseHostMessage, sameStatus, type BackfillProgress, type StatusInfo } from '../../src/engine/protocol';
import { ErrorAction } from '../../src/feeds/ccxt/ccxtErrors';
import { FootprintBackfill, type FootprintBackfillHost } from '../../src/feeds/ccxt/footprintBackfill';
import { toSessionStatus } from '../../src/feeds/sessionStatus';

const FACTS = { exchange: 'binance', symbol: 'BTC/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 5 };
const QUICK = { baseMs: 1, factor: 1, maxMs: 1, jitter: 0 };
const T0 = 1_723_161_300_000;
const LIVE: StatusInfo = { state: 'live', detail: 'live', value: 0 };

/** A backfill of `bars` 1 s bars, one trade each, whose `failAt`-th request fails for good; every report kept. */
async function run(bars: number, failAt = Infinity): Promise<{ backfill: FootprintBackfill; reports: [string, BackfillProgress | undefined][] }> {
  const reports: [string, BackfillProgress | undefined][] = [];
  let requests = 0;
  const host: FootprintBackfillHost = {
    fetchTrades: async (since) => {
      if (++requests === failAt) throw new Error('HTTP 418');
      return [{ id: String(since), timestamp: since, price: 10, amount: 1, side: 'buy', info: { l: since } }];
    },
    deliver: () => undefined,
    classify: () => ErrorAction.Stop,
    reason: (error) => (error as Error).message,
    retryAfterMs: () => 0,
    progressChanged: () => reports.push([backfill.note, backfill.progress]),
  };
  const backfill = new FootprintBackfill(1000, T0, T0 + 999, { bars, pageLimit: 10, maxPagesPerBar: 2, maxAttempts: 1, backoff: QUICK, throttledBackoff: QUICK }, host);
  await backfill.run();
  return { backfill, reports };
}

describe('the footprint backfill progress in the status', () => {
  it('is the share of bars done at each step, the same as the words, and gone when done', async () => {
    const { backfill, reports } = await run(4);
    expect(reports).toEqual([
      ['footprint backfill 0%', { done: 0, failure: '' }],
      ['footprint backfill 25%', { done: 0.25, failure: '' }],
      ['footprint backfill 50%', { done: 0.5, failure: '' }],
      ['footprint backfill 75%', { done: 0.75, failure: '' }],
      ['', undefined],
    ]);
    expect(backfill.progress).toBeUndefined();
  });

  it('says why it failed, at the share it had reached', async () => {
    const { backfill, reports } = await run(4, 3);
    expect(reports.at(-1)).toEqual(['footprint backfill failed: HTTP 418', { done: 0.5, failure: 'HTTP 418' }]);
    expect(backfill.progress).toEqual({ done: 0.5, failure: 'HTTP 418' });
  });

  it('is kept by the session status, carried to the panel, and a change of it is a new status', () => {
    const running: StatusInfo = { ...LIVE, detail: 'live; footprint backfill 40%', backfill: { done: 0.4, failure: '' } };
    expect(toSessionStatus(running).backfill).toEqual({ done: 0.4, failure: '' });
    expect(toSessionStatus(LIVE).backfill).toBeUndefined();

    expect(sameStatus(running, { ...running, backfill: { done: 0.4, failure: '' } })).toBe(true);
    expect(sameStatus(running, { ...running, backfill: { done: 0.41, failure: '' } })).toBe(false);
    expect(sameStatus(running, { ...running, backfill: { done: 0.4, failure: 'x' } })).toBe(false);
    expect(sameStatus(running, { ...running, backfill: undefined })).toBe(false);
    expect(sameStatus(LIVE, { ...LIVE })).toBe(true);

    const market = new Market({ timeframe: '1s', tickSize: 0.01 });
    const builder = new FrameBuilder(market, FACTS);
    const init = parseHostMessage(builder.buildInit(running));
    expect(init).not.toBeInstanceOf(ProtocolError);
    expect((init as { status: StatusInfo }).status.backfill).toEqual({ done: 0.4, failure: '' });
    // Only the progress changed: the next frame carries the status.
    const frame = builder.buildFrame(1, { ...running, backfill: { done: 0.5, failure: '' } }, 0, () => 0);
    expect(frame?.status?.backfill).toEqual({ done: 0.5, failure: '' });
    expect(builder.buildFrame(2, { ...running, backfill: { done: 0.5, failure: '' } }, 0, () => 0)?.status ?? null).toBeNull();
  });

  it('is refused by the panel when malformed', () => {
    const market = new Market({ timeframe: '1s', tickSize: 0.01 });
    const init = new FrameBuilder(market, FACTS).buildInit(LIVE);
    const withBackfill = (backfill: unknown): unknown => parseHostMessage({ ...init, status: { ...LIVE, backfill } });
    for (const [backfill, reason] of [
      [0.4, 'status.backfill is not an object'],
      [{ done: 1.5, failure: '' }, 'status.backfill.done is not a number from 0 to 1'],
      [{ done: -0.1, failure: '' }, 'status.backfill.done is not a number from 0 to 1'],
      [{ done: '0.4', failure: '' }, 'status.backfill.done is not a number from 0 to 1'],
      [{ done: 0.4 }, 'status.backfill.failure is not a string'],
    ] as const) {
      const parsed = withBackfill(backfill);
      expect(parsed, JSON.stringify(backfill)).toBeInstanceOf(ProtocolError);
      expect((parsed as ProtocolError).reason).toContain(reason);
    }
    expect(withBackfill({ done: 1, failure: '' })).not.toBeInstanceOf(ProtocolError);
  });
});
