/**
 * A recording's gap line reads back as a BookResync event at its exchange time (the replayed
 * book is unshowable from there to the next snapshot); an unreadable one is a malformed line,
 * reported, and the replay goes on.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { EventKind } from '../../src/engine/events';
import { Market } from '../../src/engine/market';
import { readCapture, type CaptureLineError } from '../../src/feeds/captureReader';
import { bookGapJson } from '../../src/feeds/recordedBookGap';

const dir = mkdtempSync(join(tmpdir(), 'orderscope-gap-line-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a gap line is a BookResync event at its time; a broken one is reported as malformed', async () => {
  const path = join(dir, 'gap.gz');
  const snapshot = '{"lastUpdateId":10,"bids":[["100.00","1"]],"asks":[["101.00","2"]]}';
  const lines = [`1000 ${snapshot}`, `2000 ${bookGapJson(1_723_161_300_123)}`, `3000 {"orderscope":{"bookResync":{"E":"soon"}}}`];
  writeFileSync(path, gzipSync(`${lines.join('\n')}\n`));
  const market = new Market();
  const kinds: number[] = [];
  const times: number[] = [];
  const errors: CaptureLineError[] = [];
  const counts = await readCapture(
    [path],
    (e) => {
      kinds.push(e.kind);
      times.push(e.time);
      market.onEvent(e);
    },
    { onError: (error) => errors.push(error) },
  );
  expect(kinds).toEqual([EventKind.DepthSnapshot, EventKind.BookResync]);
  expect(times[1]).toBe(1_723_161_300_123);
  expect(counts.byKind.bookResyncs).toBe(1);
  expect(market.bookIsShowable()).toBe(false);
  expect(market.resyncReason).toBe('the recorded book resynced here');
  expect(errors.map((e) => `${e.line}: ${e.reason}`)).toEqual(['3: a book gap line without a readable exchange time']);
});
