import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BinanceDecoder, DecodeReason } from '../../src/feeds/exchanges/binance/binanceDecoder';
import { EventKind, MarketEvent } from '../../src/engine/events';
import { CaptureFileError, CaptureLineReason, CaptureReader, readCapture, type CaptureLineError } from '../../src/feeds/captureReader';
import { Market } from '../../src/engine/market';
import { ReplayFeed } from '../../src/feeds/replay/replayFeed';
import { ReplayOpenError } from '../../src/feeds/replay/replaySource';
import { TextLineReader } from '../../src/feeds/replay/textLineReader';
import { hasSharedData, sharedDataPath } from '../support/sharedData';
import { fingerprint } from '../support/eventFingerprint';

const tempDir = mkdtempSync(join(tmpdir(), 'orderscope-capture-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

function writeGzip(name: string, text: string): string {
  const path = join(tempDir, name);
  writeFileSync(path, gzipSync(text));
  return path;
}

const trade = (id: number, q = '"0.5"') =>
  `{"stream":"btcusdt@trade","data":{"e":"trade","E":${1723161255000 + id},"s":"BTCUSDT","t":${id},"p":"61837.63000000","q":${q},"T":${1723161255000 + id},"m":true,"M":true}}`;

// ---- Real captures ------------------------------------------------------------------------

const CAPTURES = {
  spot0808: { file: 'binance/spot/btcusdt_20240808.gz', depthDiffs: 3451, trades: 9757, bookTickers: 28040, depthSnapshots: 1 },
  spot0809: { file: 'binance/spot/btcusdt_20240809.gz', depthDiffs: 3044, trades: 10147, bookTickers: 45134, depthSnapshots: 0 },
  usdmBtc: { file: 'binance/usdm/btcusdt_20240808.gz', depthDiffs: 6551, trades: 21313, bookTickers: 66089, depthSnapshots: 1 },
  usdmEth: { file: 'binance/usdm/ethusdt_20240808.gz', depthDiffs: 6586, trades: 14076, bookTickers: 53992, depthSnapshots: 1 },
};
const allFiles = Object.values(CAPTURES).map((c) => c.file);

describe.skipIf(!hasSharedData(...allFiles))('CaptureReader on the real captures', () => {
  for (const [name, capture] of Object.entries(CAPTURES)) {
    it(`${name}: counts per kind equal the data README, nothing malformed or unknown`, async () => {
      const errors: CaptureLineError[] = [];
      const counts = await readCapture([sharedDataPath(capture.file)], () => {}, { onError: (e) => errors.push(e) });
      const { depthDiffs, trades, bookTickers, depthSnapshots } = capture;
      expect(counts).toMatchObject({ files: 1, byKind: { depthDiffs, trades, bookTickers, depthSnapshots }, malformed: 0, unknown: 0 });
      expect(counts.lines).toBe(depthDiffs + trades + bookTickers + depthSnapshots);
      expect(counts.byKind.events).toBe(counts.lines);
      expect(errors).toEqual([]);
    });
  }

  it('spot 0808 then 0809 is one continuous stream: U == previous u + 1 across the file boundary', async () => {
    const paths = [sharedDataPath(CAPTURES.spot0808.file), sharedDataPath(CAPTURES.spot0809.file)];
    const reader = new CaptureReader(paths);
    const event = new MarketEvent();
    let previousFinalId = -1;
    let gaps = 0;
    let diffs = 0;
    let firstOf0809: [string, number] | null = null;
    while (await reader.fill()) {
      while (reader.next(event)) {
        if (firstOf0809 === null && reader.file === paths[1]) firstOf0809 = [reader.file, reader.line];
        if (event.kind !== EventKind.DepthDiff) continue;
        if (previousFinalId >= 0 && event.firstId !== previousFinalId + 1) gaps++;
        previousFinalId = event.finalId;
        diffs++;
      }
    }
    expect(diffs).toBe(3451 + 3044);
    expect(gaps).toBe(0);
    // Line numbers restart with each file.
    expect(firstOf0809).toEqual([paths[1], 1]);
    expect(reader.counts.files).toBe(2);
  });

  it('delivers exactly what decoding each line of the whole file gives, whatever the chunk size', async () => {
    const path = sharedDataPath(CAPTURES.spot0808.file);
    const decoder = new BinanceDecoder();
    const event = new MarketEvent();
    const expected: string[] = [];
    for (const line of gunzipSync(readFileSync(path)).toString('utf8').split('\n')) {
      if (line === '') continue;
      const space = line.indexOf(' ');
      decoder.decode(line.slice(space + 1), Number(line.slice(0, space)), event);
      expected.push(fingerprint(event));
    }
    // 1000 bytes: most lines straddle chunks, and the 50 kB snapshot spans dozens of them.
    for (const chunkBytes of [1000, 4093, 256 * 1024]) {
      const delivered: string[] = [];
      await readCapture([path], (e) => void delivered.push(fingerprint(e)), { chunkBytes });
      expect(delivered.length, `chunkBytes ${chunkBytes}`).toBe(expected.length);
      expect(delivered, `chunkBytes ${chunkBytes}`).toEqual(expected);
    }
  });

  it('memory stays flat: reading a capture six times in a row holds no more than reading it once', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const path = sharedDataPath(CAPTURES.spot0808.file);
    /** Live heap (after a full collection) sampled while reading, every 20 chunks. */
    async function peakLiveHeap(files: number): Promise<number> {
      gc();
      const baseline = process.memoryUsage().heapUsed;
      const reader = new CaptureReader(Array.from({ length: files }, () => path));
      const event = new MarketEvent();
      let peak = 0;
      let fills = 0;
      while (await reader.fill()) {
        while (reader.next(event));
        if (++fills % 20 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
        }
      }
      expect(reader.counts.lines).toBe(files * 41249);
      return peak;
    }
    const once = await peakLiveHeap(1);
    const sixTimes = await peakLiveHeap(6);
    const decompressedBytes = 11_104_853;
    // Streaming: the live heap is a few chunks, far below one decompressed file, and does not grow.
    expect(once).toBeLessThan(decompressedBytes / 4);
    expect(sixTimes).toBeLessThan(decompressedBytes / 4);
    expect(sixTimes - once).toBeLessThan(2 * 1024 * 1024);
  });
});

// ---- Bad input --------------------------------------------------------------------------------

describe('CaptureReader with bad lines and bad files', () => {
  const depth = '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161255208,"s":"BTCUSDT","U":10,"u":12,"b":[["61737.63000000","0.00000000"]],"a":[]}}';
  const ticker = '{"stream":"btcusdt@bookTicker","data":{"u":13,"s":"BTCUSDT","b":"61837.63000000","B":"3.78826000","a":"61837.64000000","A":"1.54698000"}}';

  it('reports each malformed line with its file and line number, skips it, and delivers the rest', async () => {
    const first = writeGzip(
      'first.gz',
      [
        `1723161254087896568 ${trade(1)}`,
        'garbage-without-a-prefix',
        `17231612x4087896568 ${trade(2)}`,
        `1723161254087896570 {"stream":"btcusdt@trade","data":{"e":"trade"`,
        `1723161254087896571 ${depth}\r`,
        '',
        `1723161254087896572 {"result":null,"id":1}`,
        `1723161254087896573 ${trade(3, '"-0.5"')}`,
        `1723161254087896574 ${ticker}`, // no newline at the end of the file
      ].join('\n'),
    );
    const second = writeGzip('second.gz', `1723161254087896575 ${trade(4)}\n1723161254087896576 ${trade(5).replace('"p":"61837.63000000"', '"p":"NaN"')}\n1723161254087896577 ${trade(6)}\n`);
    const errors: CaptureLineError[] = [];
    const delivered: string[] = [];
    const counts = await readCapture([first, second], (e) => void delivered.push(`${e.kind}:${e.receiveNs}`), { onError: (e) => errors.push(e) });

    expect(errors.map((e) => [e.file, e.line, e.reason])).toEqual([
      [first, 2, CaptureLineReason.NoReceiveTime],
      [first, 3, CaptureLineReason.BadReceiveTime],
      [first, 4, DecodeReason.InvalidJson],
      [first, 8, DecodeReason.Quantity],
      [second, 2, DecodeReason.Price],
    ]);
    for (const error of errors) {
      expect(error.message).toBe(`${error.file}:${error.line}: ${error.reason}`);
      expect(error.excerpt.length).toBeGreaterThan(0);
    }
    expect(errors[0]!.excerpt).toBe('garbage-without-a-prefix');
    expect(delivered).toEqual([
      `${EventKind.Trade}:${Number('1723161254087896568')}`,
      `${EventKind.DepthDiff}:${Number('1723161254087896571')}`,
      `${EventKind.BookTicker}:${Number('1723161254087896574')}`,
      `${EventKind.Trade}:${Number('1723161254087896575')}`,
      `${EventKind.Trade}:${Number('1723161254087896577')}`,
    ]);
    expect(counts).toMatchObject({ files: 2, lines: 12, byKind: { trades: 3, depthDiffs: 1, bookTickers: 1 }, unknown: 1, malformed: 5 });
  });

  /** 30k trade lines; the ids say which lines arrived. */
  const manyTrades = Array.from({ length: 30_000 }, (_, i) => `${1723161254087896568 + i * 1000} ${trade(i + 1)}\n`).join('');

  it('a truncated gzip rejects with an error naming the file, after delivering every line before the cut', async () => {
    const whole = gzipSync(manyTrades);
    const path = join(tempDir, 'truncated.gz');
    writeFileSync(path, whole.subarray(0, whole.length >> 1));
    const ids: number[] = [];
    const failure = await readCapture([path], (e) => void ids.push(e.tradeId)).catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(CaptureFileError);
    const error = failure as CaptureFileError;
    expect(error.file).toBe(path);
    expect(error.message).toContain(path);
    expect(error.message).toContain('truncated');
    expect(error.linesRead).toBeGreaterThan(1000);
    expect(error.linesRead).toBeLessThan(30_000);
    // Exactly the complete lines before the damage, in order; the cut line is not delivered.
    expect(ids).toEqual(Array.from({ length: error.linesRead }, (_, i) => i + 1));
  });

  it('after a damaged file the pull reader can go on with the next one', async () => {
    const whole = gzipSync(manyTrades);
    const damaged = join(tempDir, 'damaged.gz');
    writeFileSync(damaged, whole.subarray(0, 4000));
    const good = writeGzip('good.gz', `1 ${trade(7)}\n2 ${trade(8)}\n`);
    const reader = new CaptureReader([damaged, good]);
    const event = new MarketEvent();
    const ids: number[] = [];
    const failures: string[] = [];
    for (;;) {
      try {
        if (!(await reader.fill())) break;
      } catch (error) {
        failures.push((error as CaptureFileError).file);
        continue;
      }
      while (reader.next(event)) ids.push(event.tradeId);
    }
    expect(failures).toEqual([damaged]);
    expect(ids.slice(-2)).toEqual([7, 8]);
    expect(reader.counts.files).toBe(2);
  });

  it('a missing file or a file that is not gzip rejects with an error naming it', async () => {
    const missing = join(tempDir, 'does-not-exist.gz');
    await expect(readCapture([missing], () => {})).rejects.toThrow(missing);
    const plain = join(tempDir, 'plain.gz');
    writeFileSync(plain, `1 ${trade(1)}\n`);
    await expect(readCapture([plain], () => {})).rejects.toMatchObject({ name: 'CaptureFileError', file: plain });
  });
});

// ---- Pacing ----------------------------------------------------------------------------------

describe('CaptureReader pacing', () => {
  const lines = Array.from({ length: 5000 }, (_, i) => `${1000 + i} ${trade(i + 1)}\n`).join('');

  it('readCapture waits for a promise returned by onEvent before decoding the next line', async () => {
    const path = writeGzip('paced.gz', lines);
    const seen: number[] = [];
    let waits = 0;
    const counts = await readCapture(
      [path],
      async (event) => {
        const id = event.tradeId;
        if (id % 500 === 0) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          waits++;
        }
        // The reused event was not overwritten while this consumer waited.
        expect(event.tradeId).toBe(id);
        seen.push(id);
      },
      { chunkBytes: 2048 },
    );
    expect(waits).toBe(10);
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(counts.byKind.trades).toBe(5000);
  });

  it('the pull reader hands out lines only on next(), and can stop midway with close()', async () => {
    const path = writeGzip('pull.gz', lines);
    const reader = new CaptureReader([path], { chunkBytes: 4096 });
    const event = new MarketEvent();
    expect(reader.next(event)).toBe(false); // nothing before the first fill()
    expect(await reader.fill()).toBe(true);
    expect(reader.next(event)).toBe(true);
    expect([event.tradeId, reader.line, reader.file]).toEqual([1, 1, path]);
    await new Promise((resolve) => setTimeout(resolve, 5)); // a paused consumer
    expect(await reader.fill()).toBe(true); // lines still buffered: no new chunk
    expect(reader.next(event)).toBe(true);
    expect(event.tradeId).toBe(2);
    reader.close();
    expect(reader.next(event)).toBe(false);
    expect(await reader.fill()).toBe(false);
    expect(reader.counts.lines).toBe(2);
  });

  it('close() while fill() waits for the file ends the read quietly', async () => {
    const reader = new CaptureReader([writeGzip('closing.gz', lines)]);
    const filling = reader.fill();
    reader.close();
    expect(await filling).toBe(false);
    expect(reader.next(new MarketEvent())).toBe(false);
  });
});

describe('capture reading is linear in the size, plays huge first lines, and refuses what is not a file', () => {
  /** One depth snapshot line of `levels` levels a side (the JSON is about 19 bytes a level). */
  const snapshotLine = (levels: number, id: number): string => {
    const side = (from: number, step: number) => Array.from({ length: levels }, (_, i) => `["${(from + step * i * 0.01).toFixed(2)}","1.5"]`).join(',');
    return `{"lastUpdateId":${id},"bids":[${side(50_000, -1)}],"asks":[${side(50_001, 1)}]}`;
  };

  it('a 50 MB line costs work in proportion to its size (each character searched once, joined once), not its square', async () => {
    const filler = 'x'.repeat(50 * 1024 * 1024);
    const text = `1723161255000000000 ${trade(1)}\n1723161255000000001 {"stream":"btcusdt@huge","data":"${filler}"}\n1723161255000000002 ${trade(2)}\n`;
    const path = writeGzip('huge-line.gz', text);
    const reader = new CaptureReader([path], { chunkBytes: 64 * 1024 });
    const event = new MarketEvent();
    const ids: number[] = [];
    while (await reader.fill()) while (reader.next(event)) ids.push(event.tradeId);
    expect(ids).toEqual([1, 2]);
    expect(reader.counts.lines).toBe(3);
    // About 800 chunks: a reader that searched or copied the growing line per chunk would do
    // hundreds of times the text's length.
    expect(reader.counts.charsScanned).toBe(text.length);
    expect(reader.counts.charsJoined).toBeLessThanOrEqual(text.length);
    expect(reader.counts.charsJoined).toBeGreaterThan(filler.length);
  });

  it('the text line reader (cryptofeed captures) does the same for a 50 MB line', async () => {
    const filler = 'y'.repeat(50 * 1024 * 1024);
    const path = join(tempDir, 'huge-line.txt');
    writeFileSync(path, `first\r\n${filler}\nlast`);
    const reader = new TextLineReader(path, 64 * 1024);
    const lines: number[] = [];
    while (await reader.fill()) for (let line = reader.nextLine(); line !== null; line = reader.nextLine()) lines.push(line.length);
    expect(lines).toEqual([5, filler.length, 4]);
    const size = filler.length + 12;
    expect(reader.charsScanned).toBe(size);
    expect(reader.charsJoined).toBeLessThanOrEqual(size);
  });

  it('a capture whose first line is larger than 1 MB (a deep snapshot) replays, the book built from it', async () => {
    const first = snapshotLine(60_000, 100);
    expect(first.length).toBeGreaterThan(2 * 1024 * 1024);
    const diff = `{"stream":"btcusdt@depth","data":{"e":"depthUpdate","E":1723161255100,"s":"BTCUSDT","U":101,"u":101,"b":[["50000.00","2"]],"a":[]}}`;
    const path = writeGzip('big-first-line.gz', `1723161255000000000 ${first}\n1723161255100000000 ${diff}\n1723161255200000000 ${trade(3)}\n`);
    const feed = new ReplayFeed(path, { speed: Infinity });
    const facts = await feed.open({ exchange: '', symbol: '', timeframe: '1m', historyBars: 0 });
    expect(facts.symbol).toBe('BTCUSDT');
    const market = new Market({ sequenceRule: feed.sequenceRule, tickSize: 0.01 });
    feed.start({ event: (e) => market.onEvent(e), mirrorBook: () => {}, bookResync: () => {}, history: () => {}, ticker: () => {}, status: () => {} });
    await feed.finished;
    expect(market.bookIsShowable()).toBe(true);
    expect(market.book.bids.count).toBe(60_000);
    expect(market.book.bestBid()).toBe(50_000);
    expect(market.book.bids.sizes[market.book.bids.count - 1]).toBe(2);
    expect(feed.stats).toMatchObject({ byKind: { depthSnapshots: 1, depthDiffs: 1, trades: 1 }, problems: 0 });
  });

  const notFiles: [string, () => string, RegExp][] = [
    [
      'a FIFO',
      () => {
        const path = join(tempDir, `fifo${Math.random()}`);
        execFileSync('mkfifo', [path]);
        return path;
      },
      /is a FIFO \(named pipe\), not a regular file/,
    ],
    ['a device (/dev/zero)', () => '/dev/zero', /is a device, not a regular file/],
    ['a directory', () => mkdtempSync(join(tempDir, 'dir-')), /is a directory/],
  ];

  for (const [what, make, reason] of notFiles) {
    it(`${what} is refused at once, with a message naming it, by the replay and by both readers`, async () => {
      const path = make();
      const started = performance.now();
      const feed = new ReplayFeed(path, { speed: Infinity });
      const open = feed.open({ exchange: '', symbol: '', timeframe: '1m', historyBars: 0 });
      await expect(open).rejects.toThrow(ReplayOpenError);
      await expect(open).rejects.toThrow(new RegExp(`^${path}: ${reason.source}`));
      const reader = new CaptureReader([path]);
      const fill = reader.fill();
      await expect(fill).rejects.toThrow(CaptureFileError);
      await expect(fill).rejects.toThrow(reason);
      await expect(new TextLineReader(path).fill()).rejects.toThrow(reason);
      expect(performance.now() - started).toBeLessThan(2000);
    });
  }
});
