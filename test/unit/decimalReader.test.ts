import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecimalReader } from '../../src/feeds/wire/decimalReader';

/** The reference: the text's double is whatever Number() says, for the accepted grammar only. */
const GRAMMAR = /^[0-9]+(\.[0-9]+)?$/;
function referenceParse(text: string): number {
  return GRAMMAR.test(text) ? Number(text) : NaN;
}

const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));

/** Shapes Binance sends (prices, sizes, ids, ns timestamps) and the edges of the fast paths. */
const decimalText = fc.oneof(
  fc.tuple(digits(1, 7), digits(8, 8)).map(([i, f]) => `${i}.${f}`), // spot: 61837.63000000
  fc.tuple(digits(1, 6), digits(1, 3)).map(([i, f]) => `${i}.${f}`), // futures: 61800.30, 0.006
  digits(1, 16), // ids, ms times
  digits(16, 30), // ns timestamps and beyond 2^53
  fc.tuple(digits(1, 20), digits(1, 30)).map(([i, f]) => `${i}.${f}`), // long mantissas
  fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String),
  fc.double({ min: 0, max: 1e12, noNaN: true }).map((x) => x.toFixed(8)),
);

describe('DecimalReader.parse equals Number()', () => {
  const reader = new DecimalReader();

  it('on hand-picked values at the fast-path edges', () => {
    const cases = [
      '61837.63000000', '0.00000000', '5123107837557', '1723161254087896568', '0', '0.1',
      '9007199254740991', '9007199254740992', '9007199254740993', '18446744073709551615',
      '4611686018999999999', '4611686019000000000', '0.3', '2681.62', '1.0000000000000000000001',
      '123456789012345678901234', '1234567890123456789012345', '00012.5000',
    ];
    for (const text of cases) expect(Object.is(reader.parse(text, 0, text.length), Number(text)), text).toBe(true);
  });

  it('bit for bit on random decimal strings', () => {
    fc.assert(
      fc.property(decimalText, (text) => Object.is(reader.parse(text, 0, text.length), Number(text))),
      { numRuns: 20_000 },
    );
  });

  it('inside a larger string, on the given range only', () => {
    fc.assert(
      fc.property(decimalText, fc.string(), fc.string(), (text, before, after) => {
        const whole = `${before}${text}${after}`;
        return Object.is(reader.parse(whole, before.length, before.length + text.length), Number(text));
      }),
    );
  });

  it('rejects (NaN) everything outside the grammar, as the reference does', () => {
    const bad = ['', '-1', '-0', '1.', '.5', '1e5', ' 1', '1 ', 'NaN', 'Infinity', '1,5', '+1', '0x10', '1.2.3', '١'];
    for (const text of bad) expect(reader.parse(text, 0, text.length), text).toBeNaN();
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789.-+eE x') }), (text) =>
        Object.is(reader.parse(text, 0, text.length), referenceParse(text)),
      ),
      { numRuns: 20_000 },
    );
  });
});

describe('DecimalReader.read', () => {
  it('stops at the first character that cannot continue the number and reports where', () => {
    const reader = new DecimalReader();
    fc.assert(
      fc.property(decimalText, fc.constantFrom('"', ',', ']', '}', 'e', 'x', ' ', ''), (text, stop) => {
        const whole = `"${text}${stop}`;
        expect(reader.read(whole, 1, whole.length)).toBe(true);
        expect(Object.is(reader.value, Number(text))).toBe(true);
        expect(reader.end).toBe(1 + text.length);
        expect(reader.hasFraction).toBe(text.includes('.'));
      }),
    );
  });

  it('fails without a digit, or with a dot not followed by a digit', () => {
    const reader = new DecimalReader();
    for (const text of ['"', '-1', '.5', '1.', '1."', 'x']) {
      expect(reader.read(text, 0, text.length), text).toBe(false);
      expect(reader.value).toBeNaN();
    }
  });

  it('never reads past the limit', () => {
    const reader = new DecimalReader();
    expect(reader.read('12345', 0, 3)).toBe(true);
    expect(reader.value).toBe(123);
    expect(reader.end).toBe(3);
    expect(reader.read('12.345', 0, 3)).toBe(false);
  });
});
