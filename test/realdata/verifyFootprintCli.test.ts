/**
 * `npm run verify -- --footprint 1m FILE` as a user runs it (the built CLI): one line per closed
 * bar, `{"t":ms,"fp":[[price,buyQty,sellQty],...]}`, prices ascending as the exchange wrote them,
 * amounts summed exactly. Checked against a reference built here from the capture's own text with
 * integer arithmetic, and the bar sums against Binance's klines.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasSharedData, sharedDataPath } from '../support/sharedData';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'tools', 'verify.js');
const USDM_BTC = 'binance/usdm/btcusdt_20240808.gz';
const KLINES = 'binance-klines/usdm-BTCUSDT-1m-2024-08-08T2344-excerpt.csv';
const MINUTE = 60_000;

type Line = { t: number; fp: [number, number, number][] };

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Decimal text → integer count of 10^-places (exact). */
function units(text: string, places: number): bigint {
  const [whole, frac = ''] = text.split('.');
  return BigInt(whole + frac.padEnd(places, '0').slice(0, places));
}

function trade(id: number, time: number, price: string, qty: string, takerSold: boolean): string {
  return `${id} {"stream":"btcusdt@trade","data":{"e":"trade","E":${time},"s":"BTCUSDT","t":${id},"p":"${price}","q":"${qty}","T":${time},"m":${takerSold}}}`;
}

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--only', 'verify'], { cwd: ROOT });
});

describe('verify --footprint on a small capture', () => {
  it('prints the footprint lines after the candle lines, at the written prices with exact sums', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderscope-fp-'));
    const file = join(dir, 'trades.gz');
    const t0 = Date.UTC(2024, 7, 9, 0, 0);
    const lines = [
      trade(1, t0 + 1, '100.05', '0.1', false),
      trade(2, t0 + 2, '100.05', '0.2', false), // 0.1 + 0.2 must print 0.3
      trade(3, t0 + 3, '99.99', '1.5', true),
      trade(4, t0 + 4, '100.1', '0.7', true),
      trade(5, t0 + 5, '100.05', '0.4', true),
      trade(6, t0 + MINUTE + 1, '100.2', '1', false), // opens the next bar, closing the first
    ];
    writeFileSync(file, gzipSync(lines.join('\n') + '\n'));
    const r = runCli(['--candles', '1m', '--footprint', '1m', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.stdout.trim().split('\n');
    expect(out.length).toBe(3); // summary, one candle, one footprint: the second bar is open
    expect(JSON.parse(out[1])).toMatchObject({ t: t0, n: 5 });
    expect(out[2]).toBe(`{"t":${t0},"fp":[[99.99,0,1.5],[100.05,0.3,0.4],[100.1,0,0.7]]}`);
  });

  it('keeps prices finer than a cent apart (the tick follows the finest price written)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'orderscope-fp-'));
    const file = join(dir, 'alt.gz');
    const t0 = Date.UTC(2024, 7, 9, 0, 0);
    const lines = [
      trade(1, t0 + 1, '0.12345', '1000', false),
      trade(2, t0 + 2, '0.12346', '20', true),
      trade(3, t0 + 3, '0.1235', '3', false),
      trade(4, t0 + MINUTE + 1, '0.1236', '1', false),
    ];
    writeFileSync(file, gzipSync(lines.join('\n') + '\n'));
    const r = runCli(['--footprint', '1m', file]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')[1]).toBe(`{"t":${t0},"fp":[[0.12345,1000,0],[0.12346,0,20],[0.1235,3,0]]}`);
  });

  it('refuses different timeframes for candles and footprint', () => {
    const r = runCli(['--candles', '1m', '--footprint', '5m', 'x.gz']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/same timeframe/);
  });
});

/**
 * The footprint a reference builds from the captures' text: per minute and written price, the
 * quantities in integer units of 1e-8 (spot writes 8 decimals, futures 3), and the last
 * exchange stamp (a bar is closed once any stamp reached its end).
 */
function referenceFootprint(files: string[]): { last: number; bars: Map<number, Map<string, [bigint, bigint]>> } {
  const bars = new Map<number, Map<string, [bigint, bigint]>>();
  let last = 0;
  for (const file of files) {
    for (const line of gunzipSync(readFileSync(file)).toString('utf8').split('\n')) {
      const json = line.slice(line.indexOf(' ') + 1);
      const stamp = /"[ET]":(\d+)/.exec(json);
      if (stamp) last = Math.max(last, Number(stamp[1]));
      if (!json.includes('"e":"trade"')) continue;
      const d = (JSON.parse(json) as { data: { T: number; p: string; q: string; m: boolean } }).data;
      expect((d.q.split('.')[1] ?? '').length).toBeLessThanOrEqual(8);
      const minute = d.T - (d.T % MINUTE);
      const cells = bars.get(minute) ?? new Map<string, [bigint, bigint]>();
      const cell = cells.get(d.p) ?? [0n, 0n];
      cell[d.m ? 1 : 0] += units(d.q, 8);
      cells.set(d.p, cell);
      bars.set(minute, cells);
    }
  }
  return { last, bars };
}

function footprintLines(files: string[]): Line[] {
  const r = runCli(['--footprint', '1m', ...files]);
  expect(r.status).toBe(0);
  const [summary, ...rest] = r.stdout.trim().split('\n');
  expect(JSON.parse(summary)).toMatchObject({ mismatches: 0, resyncs: 0 });
  return rest.map((l) => JSON.parse(l) as Line);
}

const CAPTURES: [string, string[]][] = [
  ['USD-M BTCUSDT (tick 0.1)', [USDM_BTC]],
  ['USD-M ETHUSDT (tick 0.01)', ['binance/usdm/ethusdt_20240808.gz']],
  ['spot BTCUSDT, two files as one stream (tick 0.01)', ['binance/spot/btcusdt_20240808.gz', 'binance/spot/btcusdt_20240809.gz']],
];

for (const [name, relatives] of CAPTURES) {
  describe.skipIf(!hasSharedData(...relatives))(`verify --footprint on the real Binance capture ${name}`, () => {
    it('equals a footprint built from the capture text: every closed bar, every written price, exact sums', () => {
      const files = relatives.map(sharedDataPath);
      const got = footprintLines(files);
      const ref = referenceFootprint(files);
      const closed = [...ref.bars.keys()].filter((m) => m + MINUTE <= ref.last).sort((a, b) => a - b);
      expect(got.map((l) => l.t)).toEqual(closed);
      for (const line of got) {
        const cells = [...ref.bars.get(line.t)!].sort((a, b) => Number(a[0]) - Number(b[0]));
        const expected = cells.map(([p, [b, s]]) => [Number(p), Number(b) / 1e8, Number(s) / 1e8]);
        expect(line.fp, new Date(line.t).toISOString()).toEqual(expected);
      }
    });
  });
}

describe.skipIf(!hasSharedData(USDM_BTC, KLINES))('verify --footprint against the exchange klines', () => {
  it("each complete bar's footprint sums to the kline's volume and taker-buy volume, from its low to its high", () => {
    const got = footprintLines([sharedDataPath(USDM_BTC)]);
    const klines = readFileSync(sharedDataPath(KLINES), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    let compared = 0;
    for (const line of got) {
      const k = klines.find((row) => Number(row[0]) === line.t);
      if (!k || line.t < Date.UTC(2024, 7, 8, 23, 55)) continue; // 23:54 is partial in the capture
      const thousandths = (x: number) => BigInt(Math.round(x * 1000));
      const buy = line.fp.reduce((a, c) => a + thousandths(c[1]), 0n);
      const sell = line.fp.reduce((a, c) => a + thousandths(c[2]), 0n);
      expect(buy + sell).toBe(units(k[5]!, 3));
      expect(buy).toBe(units(k[9]!, 3));
      expect(line.fp[0]![0]).toBe(Number(k[3]));
      expect(line.fp.at(-1)![0]).toBe(Number(k[2]));
      compared++;
    }
    expect(compared).toBe(5);
  });
});
