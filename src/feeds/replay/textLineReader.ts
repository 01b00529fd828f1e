/**
 * Reads a plain text file line by line in constant memory, pull-based: `await fill()` reads the
 * next chunk, `nextLine()` hands out its complete lines. Counts the bytes read so a replay can
 * show how far it is.
 */
import { createReadStream, type ReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

export class TextLineReader {
  /** 1-based number of the last line handed out. */
  line = 0;
  /** Bytes read from the file so far. */
  bytesRead = 0;

  private stream: ReadStream | null = null;
  private chunks: AsyncIterator<Buffer> | null = null;
  private readonly utf8 = new StringDecoder('utf8');
  private lines: string[] = [];
  private index = 0;
  private partial = '';
  private done = false;

  constructor(
    readonly path: string,
    private readonly chunkBytes = 64 * 1024,
  ) {}

  /**
   * Buffers the next chunk's lines: true when lines are buffered, false at the end of the file.
   * Rejects with the file system's error (missing, unreadable); lines before it were delivered.
   */
  async fill(): Promise<boolean> {
    if (this.index < this.lines.length) return true;
    if (this.chunks === null) {
      if (this.done) return false;
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
        const rest = this.partial + this.utf8.end();
        this.finish();
        if (rest.length === 0) return false;
        this.lines = [rest];
        this.index = 0;
        return true;
      }
      this.bytesRead += result.value.length;
      const text = this.partial + this.utf8.write(result.value);
      const last = text.lastIndexOf('\n');
      if (last < 0) {
        this.partial = text;
        continue;
      }
      this.partial = text.slice(last + 1);
      this.lines = text.slice(0, last).split('\n');
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

  private finish(): void {
    this.done = true;
    this.stream?.destroy();
    this.stream = null;
    this.chunks = null;
    this.partial = '';
  }
}
