import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecimalReader } from '../../src/feeds/wire/decimalReader';
import { scanKey, scanQuotedDecimal, skipSpace, skipValue } from '../../src/feeds/wire/jsonScanner';

/** True when the whole of `text` is one JSON value (with surrounding whitespace) for the scanner. */
function scannerAccepts(text: string): boolean {
  const start = skipSpace(text, 0, text.length);
  const end = skipValue(text, start, text.length);
  return end >= 0 && skipSpace(text, end, text.length) === text.length;
}

function jsonParseAccepts(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('jsonScanner: the fast path never disagrees with JSON.parse', () => {
  it('skips every value JSON.stringify writes, compact or indented', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(scannerAccepts(text), text).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with JSON.parse on JSON text with one character deleted, inserted or replaced', () => {
    const nearMiss = fc
      .tuple(
        fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)),
        fc.nat(),
        fc.constantFrom('delete', 'insert', 'replace'),
        fc.constantFrom(...'{}[]",:0-.eE+ \ntfn\\u/x'.split('')),
      )
      .map(([text, at, edit, char]) => {
        const i = at % (text.length + 1);
        if (edit === 'delete') return text.slice(0, i) + text.slice(i + 1);
        if (edit === 'insert') return text.slice(0, i) + char + text.slice(i);
        return text.slice(0, i) + char + text.slice(i + 1);
      });
    fc.assert(
      fc.property(nearMiss, (text) => {
        expect(scannerAccepts(text), text).toBe(jsonParseAccepts(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('rejects the near misses JSON.parse rejects', () => {
    for (const text of ['01', '1.', '.5', '-', '1e', '+1', '"\\x"', '"\\u12"', '"a', '[1,]', '{"a":1,}', '{"a"}', 'tru', 'nul', '[1 2]', '"\t"']) {
      expect(jsonParseAccepts(text), text).toBe(false);
      expect(scannerAccepts(text), text).toBe(false);
    }
  });

  it('leaves a nesting deeper than 32 to JSON.parse', () => {
    expect(scannerAccepts('['.repeat(32) + ']'.repeat(32))).toBe(true);
    expect(scannerAccepts('['.repeat(33) + ']'.repeat(33))).toBe(false);
  });

  it('reads a quoted decimal in place and stops after its closing quote', () => {
    const decimal = new DecimalReader();
    const text = '{"p":"61837.63000000","q":"0.5"}';
    expect(scanQuotedDecimal(text, 5, text.length, decimal)).toBe(21);
    expect(decimal.value).toBe(61837.63);
    for (const bad of ['"1.5', '"-1"', '"1e5"', '1.5', '""', '"1.5 "']) {
      expect(scanQuotedDecimal(bad, 0, bad.length, decimal), bad).toBe(-1);
    }
  });

  it('reads plain keys and leaves escaped ones to JSON.parse', () => {
    expect(scanKey('"stream":1', 0, 10)).toBe(8);
    expect(scanKey('"\\u0073":1', 0, 10)).toBe(-1);
    expect(scanKey('"open', 0, 5)).toBe(-1);
  });
});
