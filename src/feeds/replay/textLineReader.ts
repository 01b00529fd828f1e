/**
 * Reads a plain text file line by line in constant memory (beyond the longest line), pull-based:
 * `await fill()` reads the next chunk, `nextLine()` hands out its complete lines. Counts the bytes
 * read so a replay can show how far it is.
 *
 * Linear in the file's size whatever its line lengths: each chunk is searched for line ends once,
 * and a line spanning many chunks is kept as a list of pieces joined once when its end comes (a
 * growing string searched again per chunk would make a 50 MB line quadratic). The work counters
 * say so.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { regularFileProblem } from '../regularFile';

export class TextLineReader {
  /** 1-based number of the last line handed out. */
  line = 0;
  /** Bytes read from the file so far. */
  bytesRead = 0;
  /** Characters searched for line ends, and characters copied to join lines split across chunks. */
  charsScanned = 0;
  charsJoined = 0;

  private stream: ReadStream | null = null;
  private chunks: AsyncIterator<Buffer> | null = null;
  private readonly utf8 = new StringDecoder('utf8');
  private lines: string[] = [];
  private index = 0;
  /** The unfinished last line, in pieces (one per chunk it spans). */
  private partial: string[] = [];
  private done = false;

  constructor(
    readonly path: string,
    private readonly chunkBytes = 64 * 1024,
  ) {}

  /**
   * Buffers the next chunk's lines: true when lines are buffered, false at the end of the file.
   * Rejects with the file system's error (missing, unreadable), or with an Error saying why a path
   * that is not a regular file (FIFO, device, directory) is refused; lines before were delivered.
   */
  async fill(): Promise<boolean> {
    if (this.index < this.lines.length) return true;
    if (this.chunks === null) {
      if (this.done) return false;
      const notFile = await regularFileProblem(this.path);
      if (notFile !== null) {
        this.finish();
        throw new Error(`${this.path} ${notFile}`);
      }
      this.stream = createReadStream(this.path, { highWaterMark: this.chunkBytes });
      this.chunks = this.stream[Symbol.asyncIterator]();
    }
    for (;;) {
      const chunks: AsyncIterator<Buffer> | null = this.chunks;
      if (chunks === null) return false; // closed during the wait
      let result: IteratorResult<Buffer>;
      try {
        result = await chunks.next();
      } catch (error) {
        this.finish();
        throw error;
      }
      if (this.chunks !== chunks) return false;
      if (result.done) {
        const tail = this.utf8.end();
        if (tail.length > 0) this.partial.push(tail);
        const rest = this.takePartial('');
        this.finish();
        if (rest.length === 0) return false;
        this.lines = [rest];
        this.index = 0;
        return true;
      }
      this.bytesRead += result.value.length;
      const text = this.utf8.write(result.value);
      this.charsScanned += text.length;
      const last = text.lastIndexOf('\n');
      if (last < 0) {
        if (text.length > 0) this.partial.push(text);
        continue;
      }
      const first = text.indexOf('\n');
      const lines = text.slice(first + 1, last).split('\n');
      // The line the previous chunks began ends at this chunk's first newline.
      if (first < last) lines.unshift(this.takePartial(text.slice(0, first)));
      else lines[0] = this.takePartial(text.slice(0, first));
      this.partial = last + 1 < text.length ? [text.slice(last + 1)] : [];
      this.lines = lines;
      this.index = 0;
      return true;
    }
  }

  /** The next buffered line without its line end, or null when the buffer is empty. O(1). */
  nextLine(): string | null {
    if (this.index >= this.lines.length) return null;
    const text = this.lines[this.index++]!;
    this.line++;
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }

  /** Stops reading and releases the file. Idempotent. */
  close(): void {
    this.finish();
    this.lines = [];
    this.index = 0;
  }

  /** The pieces of the unfinished line, then `end`, as one string. O(line length), once per line. */
  private takePartial(end: string): string {
    if (this.partial.length === 0) return end;
    this.partial.push(end);
    const line = this.partial.join('');
    this.charsJoined += line.length;
    this.partial = [];
    return line;
  }

  private finish(): void {
    this.done = true;
    this.stream?.destroy();
    this.stream = null;
    this.chunks = null;
    this.partial = [];
  }
}
