/**
 * Book levels of the order-flow database (`book.bids`, `book.asks`, TEXT): a list of rows
 * `[price, size, ...]`, best first.
 *
 * Written as JSON with numbers, `[[61837.63,3.78826],[61837.62,0.001]]` (two entries a row: the
 * recorder has no order counts), by {@link LevelTextWriter}.
 *
 * Read from JSON or from Python literals, as the OKX order-flow tool writes them
 * (`[[1.0, 2.0, '0', '1']]`): rows in `[]` or `()`, values as numbers, quoted numbers ('…' or
 * "…"), `Decimal('…')`, or anything else (`None`, `True`) past the first two, which are the
 * price and the size.
 */
import type { LevelList } from '../../engine/events';
import { decimalText } from '../wire/decimalText';

/** 10^0..10^8: decimals tried for the short exact form of a number. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];
const MAX_EXACT = 2 ** 53;
/** Room kept free for one level (two numbers of at most ~330 characters, denormals included). */
const LEVEL_ROOM = 700;

/**
 * Writes level lists as JSON text, `[[61837.63,3.78826],[61837.62,0.001]]`, every number in the
 * shortest plain decimal that reads back as the same double. A book row holds tens of numbers and
 * the recorder writes ten rows a second per market, so the text is built in one reused byte
 * buffer and becomes one string, instead of a string per number and per join.
 */
export class LevelTextWriter {
  private buffer = Buffer.allocUnsafe(4096);
  private at = 0;
  private readonly digits = new Uint8Array(24);

  /** Text for `count` levels, best first. O(count); allocates the one string. */
  format(prices: ArrayLike<number>, sizes: ArrayLike<number>, count: number): string {
    this.at = 0;
    this.byte(91 /* [ */);
    for (let i = 0; i < count; i++) {
      if (this.buffer.length - this.at < LEVEL_ROOM) this.grow();
      if (i > 0) this.byte(44 /* , */);
      this.byte(91);
      this.number(prices[i]!);
      this.byte(44);
      this.number(sizes[i]!);
      this.byte(93 /* ] */);
    }
    this.byte(93);
    return this.buffer.toString('latin1', 0, this.at);
  }

  /**
   * The fewest decimals d <= 8 for which round(x·10^d) / 10^d is x: that integer and d spell the
   * number exactly (one correctly rounded division, as a parser computes it). Anything else goes
   * through {@link decimalText}.
   */
  private number(x: number): void {
    for (let d = 0; d < POW10.length; d++) {
      const scaled = Math.round(x * POW10[d]!);
      if (scaled <= MAX_EXACT && scaled / POW10[d]! === x) {
        this.scaled(scaled, d);
        return;
      }
    }
    const text = decimalText(x);
    for (let i = 0; i < text.length; i++) this.byte(text.charCodeAt(i));
  }

  /** `scaled` / 10^`decimals` as text: the digits, with the point `decimals` from the right. */
  private scaled(scaled: number, decimals: number): void {
    const digits = this.digits;
    let n = 0;
    let rest = scaled;
    do {
      digits[n++] = 48 + (rest % 10);
      rest = Math.floor(rest / 10);
    } while (rest > 0 || n <= decimals);
    for (let i = n - 1; i >= decimals; i--) this.byte(digits[i]!);
    if (decimals > 0) {
      this.byte(46 /* . */);
      for (let i = decimals - 1; i >= 0; i--) this.byte(digits[i]!);
    }
  }

  private byte(code: number): void {
    this.buffer[this.at++] = code;
  }

  private grow(): void {
    const larger = Buffer.allocUnsafe(this.buffer.length * 2);
    this.buffer.copy(larger, 0, 0, this.at);
    this.buffer = larger;
  }
}

const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads level text into a {@link LevelList}. One parser per reader; `reason` says why the last
 * `parse` failed. O(length); allocates one small string per number.
 */
export class LevelTextParser {
  /** Why the last `parse` returned false, with the offending position; '' after success. */
  reason = '';
  private text = '';
  private i = 0;

  /** Parses `text` into `out` (cleared first); false when it is not a level list. */
  parse(text: string, out: LevelList): boolean {
    out.clear();
    this.text = text;
    this.i = 0;
    this.reason = '';
    this.skipSpace();
    if (!this.take(91 /* [ */)) return this.fail('expected a list "["');
    this.skipSpace();
    if (this.take(93 /* ] */)) return this.end();
    for (;;) {
      if (!this.row(out)) return false;
      this.skipSpace();
      if (this.take(93)) return this.end();
      if (!this.take(44 /* , */)) return this.fail('expected "," or "]" after a level');
      this.skipSpace();
      if (this.take(93)) return this.end(); // trailing comma
    }
  }

  /** `[price, size, ...]` or `(price, size, ...)`. */
  private row(out: LevelList): boolean {
    const open = this.text.charCodeAt(this.i);
    const close = open === 91 ? 93 : open === 40 /* ( */ ? 41 /* ) */ : -1;
    if (close < 0) return this.fail('expected a level "[price, size, ...]"');
    this.i++;
    let price = NaN;
    let size = NaN;
    for (let k = 0; ; k++) {
      this.skipSpace();
      if (this.take(close)) {
        if (k < 2) return this.fail('a level needs a price and a size');
        break;
      }
      if (k > 0) {
        if (!this.take(44)) return this.fail('expected "," between values');
        this.skipSpace();
      }
      const value = this.value();
      if (value === null) return false;
      if (k === 0) price = value;
      else if (k === 1) size = value;
    }
    if (!(price === price) || !(size === size)) return this.fail('price or size is not a number');
    out.push(price, size);
    return true;
  }

  /** One value: its number (NaN for a non-numeric one), or null on a syntax error. */
  private value(): number | null {
    const text = this.text;
    const c = text.charCodeAt(this.i);
    if (c === 34 || c === 39) return this.quoted(c);
    if (text.startsWith('Decimal(', this.i)) {
      this.i += 8;
      this.skipSpace();
      const q = text.charCodeAt(this.i);
      if (q !== 34 && q !== 39) return this.failValue('expected a quoted number in Decimal(...)');
      const value = this.quoted(q);
      this.skipSpace();
      if (value === null || !this.take(41)) return this.failValue('expected ")" after Decimal(...');
      return value;
    }
    const start = this.i;
    while (this.i < text.length) {
      const d = text.charCodeAt(this.i);
      if (d === 44 || d === 93 || d === 41 || d === 32 || d === 9 || d === 10 || d === 13) break;
      this.i++;
    }
    if (this.i === start) return this.failValue('expected a value');
    const token = text.slice(start, this.i);
    return NUMBER.test(token) ? Number(token) : NaN;
  }

  private quoted(quote: number): number | null {
    const text = this.text;
    const start = this.i + 1;
    const end = text.indexOf(String.fromCharCode(quote), start);
    if (end < 0) return this.failValue('unterminated string');
    this.i = end + 1;
    const token = text.slice(start, end).trim();
    return NUMBER.test(token) ? Number(token) : NaN;
  }

  private end(): boolean {
    this.skipSpace();
    return this.i === this.text.length || this.fail('text after the list');
  }

  private take(code: number): boolean {
    if (this.text.charCodeAt(this.i) !== code) return false;
    this.i++;
    return true;
  }

  private skipSpace(): void {
    const text = this.text;
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      this.i++;
    }
  }

  private fail(reason: string): false {
    this.reason = `${reason} at character ${this.i + 1}`;
    return false;
  }

  private failValue(reason: string): null {
    this.fail(reason);
    return null;
  }
}
