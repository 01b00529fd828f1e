/**
 * `npm run verify -- --candles 3t FILE`: the built CLI prints the closed bars of N trades (the
 * newest, still filling, is left out) built from the file's trades as the panel builds them, and
 * refuses a bad bar size with the usage.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'tools', 'verify.js');
const T = 1723161600000;

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--only', 'verify'], { cwd: ROOT });
});

describe('verify --candles with bars of N trades', () => {
  it('prints the closed 3-trade bars of a capture, the first two sharing a millisecond one apart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderscope-verify-'));
    const file = join(dir, 'trades.gz');
    // Seven trades: six in one millisecond, then one 5 s later (it opens the third, live, bar).
    const trades = [
      [100, 1, false], [101, 2, true], [99, 1, false],
      [102, 1, false], [103, 4, true], [101, 1, false],
    ].map(([p, q, m]) => ({ p, q, m, T }));
    trades.push({ p: 104, q: 1, m: false, T: T + 5000 });
    const lines = trades.map((t, i) => `${i} {"stream":"btcusdt@trade","data":{"e":"trade","E":${i},"s":"BTCUSDT","t":${i},"p":"${t.p}","q":"${t.q}","T":${t.T},"m":${t.m}}}`);
    writeFileSync(file, gzipSync(lines.join('\n') + '\n'));
    const r = runCli(['--candles', '3t', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const [, ...bars] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    // "m": true is a taker sell (the buyer was the maker).
    expect(bars).toEqual([
      expect.objectContaining({ t: T, o: 100, h: 101, l: 99, c: 99, v: 4, n: 3, tbv: 2 }),
      expect.objectContaining({ t: T + 1, o: 102, h: 103, l: 101, c: 101, v: 6, n: 3, tbv: 2 }),
    ]);
  });

  it('refuses a bad bar size with the usage', () => {
    const r = runCli(['--candles', '0t', 'whatever.gz']);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Unsupported timeframe "0t"[\s\S]*usage: npm run verify/);
  });
});
