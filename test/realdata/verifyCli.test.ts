/**
 * `npm run verify` as a user runs it: the built CLI on real captures and on damaged files.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataPath } from '../support/sharedData';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'tools', 'verify.js');
const USDM_BTC = 'binance/usdm/btcusdt_20240808.gz';
const KLINES = 'binance-klines/usdm-BTCUSDT-1m-2024-08-08T2344-excerpt.csv';

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--only', 'verify'], { cwd: ROOT });
});

describe('verify CLI on bad input', () => {
  it('reports a malformed line with file and line number and goes on', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderscope-verify-'));
    const file = join(dir, 'bad.gz');
    const lines = [
      '1 {"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTCUSDT","t":1,"p":"100.5","q":"2","T":1723161600000,"m":false}}',
      '2 {"stream":"btcusdt@trade","data":{"e":"trade","E":2,"s":"BTCUSDT","t":2,"p":"oops","q":"1","T":1723161600001,"m":true}}',
      '3 this is not json',
      '4 {"stream":"btcusdt@trade","data":{"e":"trade","E":3,"s":"BTCUSDT","t":3,"p":"101.5","q":"1","T":1723161660000,"m":true}}',
    ];
    writeFileSync(file, gzipSync(lines.join('\n') + '\n'));
    const r = runCli(['--candles', '1m', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}:2`);
    expect(r.stderr).toContain(`${file}:3`);
    const [summary, bar] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(summary).toMatchObject({ diffsApplied: 0, mismatches: 0 });
    // The good trades still built bars: the first minute is closed with one trade.
    expect(bar).toMatchObject({ t: 1723161600000, o: 100.5, c: 100.5, v: 2, n: 1, tbv: 2 });
  });

  it('reports a truncated gzip by name and keeps what was read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderscope-verify-'));
    const file = join(dir, 'cut.gz');
    const body = Array.from({ length: 2000 }, (_, i) =>
      `${i} {"stream":"btcusdt@trade","data":{"e":"trade","E":${i},"s":"BTCUSDT","t":${i},"p":"100","q":"1","T":${1723161600000 + i * 100},"m":false}}`,
    ).join('\n');
    const gz = gzipSync(body);
    writeFileSync(file, gz.subarray(0, Math.floor(gz.length / 2)));
    const r = runCli(['--candles', '1m', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(file);
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(1);
  });

  it('refuses a bad timeframe with a message naming it', () => {
    const r = runCli(['--candles', '7m', 'x.gz']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/7m/);
  });
});

describe.skipIf(!hasSharedData(USDM_BTC, KLINES))('verify CLI on real data', () => {
  it('prints the summary, then closed 1m bars equal to Binance klines 23:55..23:59', () => {
    const r = runCli(['--candles', '1m', sharedDataPath(USDM_BTC)]);
    expect(r.status).toBe(0);
    const [summary, ...bars] = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(summary).toEqual({ diffsApplied: 6547, bookTickerChecks: 503, mismatches: 0, bids: summary.bids, asks: summary.asks, crossed: false, resyncs: 0 });
    const klines = readFileSync(sharedDataPath(KLINES), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    const byTime = new Map(klines.map((k) => [Number(k[0]), k]));
    const fixed = (x: number, text: string): string => x.toFixed(text.split('.')[1]?.length ?? 0);
    let compared = 0;
    for (const bar of bars) {
      const k = byTime.get(bar.t);
      // 23:54 is partial in the capture (it starts 23:54:16); compare 23:55 onwards.
      if (!k || bar.t < Date.UTC(2024, 7, 8, 23, 55)) continue;
      expect([bar.o, bar.h, bar.l, bar.c]).toEqual([k[1], k[2], k[3], k[4]].map(Number));
      expect(fixed(bar.v, k[5]!)).toBe(k[5]);
      expect(fixed(bar.qv, k[7]!)).toBe(k[7]);
      expect(bar.n).toBe(Number(k[8]));
      expect(fixed(bar.tbv, k[9]!)).toBe(k[9]);
      compared++;
    }
    expect(compared).toBe(5);
  });
});
