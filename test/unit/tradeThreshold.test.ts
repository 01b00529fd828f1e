/**
 * The panel's one trade-size threshold: the size typed in the panel wins, else the setting's; 0
 * means automatic, ten times the median trade rounded to 1-2-5 and held while the median stays
 * within a factor of two (so what it drives does not change with every trade); its version moves
 * only when its value does.
 */
import { describe, expect, it } from 'vitest';
import { TRADE_STRIDE } from '../../src/engine/protocol';
import { TradeRing } from '../../webview/state/tradeRing';
import { roundToStep, TradeThreshold } from '../../webview/tape/tradeThreshold';

function push(ring: TradeRing, ...amounts: number[]): void {
  const packed = new Float64Array(amounts.length * TRADE_STRIDE);
  amounts.forEach((amount, k) => packed.set([1000 + k, 100, amount, 1], k * TRADE_STRIDE));
  ring.pushPacked(packed);
}

describe('the trade-size threshold', () => {
  it('rounds the automatic value to 1, 2 or 5 of its decade', () => {
    expect([0.7, 1.3, 1.5, 3.1, 3.3, 7, 7.2, 0.00123, 2300].map(roundToStep)).toEqual([0.5, 1, 2, 2, 5, 5, 10, 0.001, 2000]);
  });

  it('is the typed size, else the setting, else automatic; automatic holds within a factor of two', () => {
    const ring = new TradeRing(9);
    const threshold = new TradeThreshold(ring, null);
    threshold.update();
    expect(threshold.value).toBe(Infinity);
    push(ring, 0.1, 0.2, 0.23, 0.3, 0.5);
    threshold.update();
    // Median 0.23: 2.3, shown as 2.
    expect(threshold.value).toBe(2);
    const version = threshold.version;
    // The median moves to 0.35 (raw 3.5, which alone would round to 5): within a factor of two, the value stays.
    push(ring, 0.35, 0.35, 0.35);
    threshold.update();
    expect([threshold.value, threshold.version]).toEqual([2, version]);
    // A market of much bigger trades (median 5, raw 50): it follows.
    push(ring, 5, 5, 5, 5, 5, 5, 5, 5, 5);
    threshold.update();
    expect(threshold.value).toBe(50);
    expect(threshold.version).toBe(version + 1);
    threshold.setSetting(1.5);
    expect(threshold.value).toBe(1.5);
    threshold.setUser(3);
    expect(threshold.value).toBe(3);
    // Typed 0: automatic again, whatever the setting.
    threshold.setUser(0);
    expect(threshold.value).toBe(50);
    threshold.setUser(null);
    expect(threshold.value).toBe(1.5);
    // Another market: the automatic value starts over from its trades.
    threshold.setSetting(0);
    threshold.forgetAuto();
    ring.clear();
    push(ring, 0.01, 0.01, 0.02);
    threshold.update();
    expect(threshold.value).toBe(0.1);
  });
});
