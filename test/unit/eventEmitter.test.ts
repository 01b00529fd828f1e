import { describe, expect, test } from 'vitest';
import { Emitter } from '../../src/feeds/eventEmitter';

describe('Emitter', () => {
  test('listeners get every value until disposed; a throwing listener is counted and skipped', () => {
    const emitter = new Emitter<number>();
    const a: number[] = [];
    const b: number[] = [];
    const subA = emitter.event((v) => a.push(v));
    emitter.event(() => {
      throw new Error('listener bug');
    });
    emitter.event((v) => b.push(v));
    emitter.fire(1);
    subA.dispose();
    subA.dispose();
    emitter.fire(2);
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
    expect(emitter.listenerErrors).toBe(2);
    expect(emitter.listenerCount).toBe(2);
  });

  test('subscribing or disposing during a fire affects the next fire only', () => {
    const emitter = new Emitter<string>();
    const seen: string[] = [];
    const first = emitter.event((v) => {
      seen.push(`first ${v}`);
      first.dispose();
      emitter.event((w) => seen.push(`late ${w}`));
    });
    emitter.event((v) => seen.push(`second ${v}`));
    emitter.fire('x');
    emitter.fire('y');
    expect(seen).toEqual(['first x', 'second x', 'second y', 'late y']);
  });
});
