import { describe, expect, it } from 'vitest';
import { FrameBuilder } from '../../src/engine/frame/frameBuilder';
import { Market } from '../../src/engine/market';
import type { HostMessage, StatusInfo } from '../../src/engine/protocol';
import { FrameScheduler } from '../../src/extension/panel/frameScheduler';
import { ManualClock } from '../support/manualClock';

const FACTS = { exchange: 'sim', symbol: 'SIM/USDT', tickSize: 0.01, pricePrecision: 2, amountPrecision: 4 };
const LIVE: StatusInfo = { state: 'live', detail: '', value: 0 };

function setup(maxFps = 20) {
  const clock = new ManualClock();
  const market = new Market({ tickSize: 0.01 });
  const builder = new FrameBuilder(market, FACTS);
  const posted: HostMessage[] = [];
  const scheduler = new FrameScheduler(builder, (m) => posted.push(m), () => LIVE, { maxFps, ackTimeoutMs: 3000 }, clock);
  let t = Date.UTC(2024, 7, 8);
  const trade = (): void => {
    t += 10;
    market.onTrade(t, 100 + Math.sin(t), 1, 1);
    scheduler.marketChanged();
  };
  const frames = () => posted.filter((m) => m.type === 'frame') as Extract<HostMessage, { type: 'frame' }>[];
  return { clock, market, scheduler, posted, trade, frames };
}

describe('FrameScheduler', () => {
  it('sends init on ready, then at most one frame in flight; changes coalesce into the next frame', () => {
    const { clock, scheduler, posted, trade, frames } = setup();
    scheduler.onReady();
    clock.advance(1);
    expect(posted.map((m) => m.type)).toEqual(['init']);
    for (let i = 0; i < 10; i++) {
      trade();
      clock.advance(100);
    }
    // No ack yet: one frame only, however much changed.
    expect(frames()).toHaveLength(1);
    const first = frames()[0]!;
    scheduler.onAck(first.id, 5);
    clock.advance(100);
    expect(frames()).toHaveLength(2);
    // The second frame carries all 9 trades that came while the first was in flight.
    expect(frames()[1]!.trades.length / 4).toBe(9);
  });

  it('caps the rate, and slows down when the webview reports slow renders', () => {
    const { clock, scheduler, trade, frames } = setup(20);
    scheduler.onReady();
    const run = (renderMs: number, ms: number): number => {
      const before = frames().length;
      for (let elapsed = 0; elapsed < ms; elapsed += 5) {
        trade();
        const last = frames()[frames().length - 1];
        if (last) scheduler.onAck(last.id, renderMs);
        clock.advance(5);
      }
      return frames().length - before;
    };
    const fast = run(1, 2000);
    expect(fast).toBeGreaterThanOrEqual(38);
    expect(fast).toBeLessThanOrEqual(41); // 20 frames/s
    run(200, 2000); // let the smoothed render time converge
    const slow = run(200, 3000);
    expect(slow).toBeLessThanOrEqual(11); // ~300 ms apart
    expect(scheduler.intervalMs()).toBeGreaterThan(250);
  });

  it('a hidden panel gets nothing; shown again it gets one catch-up frame with everything', () => {
    const { clock, scheduler, trade, frames } = setup();
    scheduler.onReady();
    clock.advance(1);
    scheduler.setVisible(false);
    for (let i = 0; i < 50; i++) {
      trade();
      clock.advance(100);
    }
    expect(frames()).toHaveLength(0);
    expect(clock.pending()).toBe(0); // no timer spins while hidden
    scheduler.setVisible(true);
    clock.advance(1);
    expect(frames()).toHaveLength(1);
    expect(frames()[0]!.trades.length / 4).toBe(50);
  });

  it('a lost ack (webview reloaded) leads to a fresh init, not a stuck panel', () => {
    const { clock, scheduler, posted, trade } = setup();
    scheduler.onReady();
    clock.advance(1);
    trade();
    clock.advance(100);
    expect(posted.map((m) => m.type)).toEqual(['init', 'frame']);
    trade();
    clock.advance(3100);
    expect(posted.map((m) => m.type)).toEqual(['init', 'frame', 'init']);
  });

  it('memory stays flat under a webview that never acks: posts stop after one frame', () => {
    const { clock, scheduler, posted, trade } = setup();
    scheduler.onReady();
    for (let i = 0; i < 1000; i++) {
      trade();
      clock.advance(2);
    }
    // init, one frame, then re-init on each ack timeout (2 s of no ack): bounded, not 1000.
    expect(posted.length).toBeLessThanOrEqual(4);
  });
});
