/**
 * The shared timer: beats of commensurate periods wake the host together, a period change applies
 * at once, a disposed beat stops, no timer is left when no beat is, a failing beat stops no other.
 */
import { describe, expect, it } from 'vitest';
import { Pulse } from '../../src/extension/pulse';
import { ManualClock } from '../support/manualClock';

describe('Pulse', () => {
  it('wakes once for beats that fall due together', () => {
    const clock = new ManualClock();
    const pulse = new Pulse(() => {}, clock);
    let fast = 0;
    let slow = 0;
    let ages = 0;
    pulse.every(50, () => fast++);
    pulse.every(250, () => slow++);
    pulse.every(1000, () => ages++);
    clock.advance(1000);
    expect([fast, slow, ages]).toEqual([20, 4, 1]);
    // Three timers of their own would have woken 25 times; aligned, the 250 and 1000 ms beats ride the 50 ms wakes.
    expect(pulse.wakes).toBe(20);
    expect(clock.pending()).toBe(1);
  });

  it('applies a new period at the next multiple, and leaves no timer once every beat is gone', () => {
    const clock = new ManualClock();
    const pulse = new Pulse(() => {}, clock);
    let runs = 0;
    const beat = pulse.every(250, () => runs++);
    clock.advance(1000);
    expect(runs).toBe(4);
    beat.setPeriod(50);
    clock.advance(1000);
    expect(runs).toBe(24);
    beat.dispose();
    expect(clock.pending()).toBe(0);
    clock.advance(1000);
    expect(runs).toBe(24);
  });

  it('keeps running the other beats when one throws, and reports the error', () => {
    const clock = new ManualClock();
    const errors: unknown[] = [];
    const pulse = new Pulse((e) => errors.push(e), clock);
    let runs = 0;
    pulse.every(100, () => {
      throw new Error('broken beat');
    });
    pulse.every(100, () => runs++);
    clock.advance(500);
    expect(runs).toBe(5);
    expect(errors).toHaveLength(5);
  });

  it('lets a beat dispose itself while running', () => {
    const clock = new ManualClock();
    const pulse = new Pulse(() => {}, clock);
    let runs = 0;
    const once = pulse.every(100, () => {
      runs++;
      once.dispose();
    });
    clock.advance(1000);
    expect(runs).toBe(1);
    expect(pulse.size).toBe(0);
  });
});
