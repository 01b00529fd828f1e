/**
 * Honours an exchange's "too many requests" for one venue: after an HTTP 429 or 418 (or a 503
 * that names a Retry-After), nothing is sent to the exchange's REST API until the Retry-After has
 * passed; without one, for a backoff that grows with each such answer in a row. The gate sits on
 * every ccxt instance of the venue (the shared REST one and each stream's, whose websocket
 * clients fetch book snapshots over REST), because an exchange limits an address, not a socket.
 */
import { backoffDelay, type BackoffOptions } from '../backoff';
import type { CcxtExchange } from './loadCcxt';

/** The two ccxt instance methods the gate wraps. */
type RestHooks = Pick<CcxtExchange, 'fetch' | 'onRestResponse'>;

/**
 * Ms a `Retry-After` value asks for (delta-seconds or an HTTP date), undefined when absent or
 * unreadable. O(length).
 */
export function parseRetryAfter(value: unknown, now: number): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  // An HTTP-date ("Sun, 06 Dec 2026 00:00:30 GMT") always ends in GMT.
  const date = text.endsWith('GMT') ? Date.parse(text) : NaN;
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/** The value of header `name` in ccxt's response headers, whatever its case (ccxt re-capitalises names). O(headers). */
export function responseHeader(headers: unknown, name: string): unknown {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export class RestGate {
  /** Epoch ms before which no request is sent. */
  private openAt = 0;
  /** "Too many requests" answers in a row without a usable Retry-After. */
  private strikes = 0;
  private closed = false;
  private readonly waiters = new Set<{ timer: ReturnType<typeof setTimeout>; cancel: (error: Error) => void }>();

  constructor(
    /** The wait when the exchange names none (ccxt's throttle alone would hit the limit again). */
    private readonly fallback: BackoffOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Ms until requests may be sent again; 0 when they may now. O(1). */
  remainingMs(): number {
    return Math.max(0, this.openAt - this.now());
  }

  /** Makes `exchange`'s REST requests wait for the gate and report "too many requests" to it. */
  install(exchange: CcxtExchange): void {
    const hooks = exchange as unknown as RestHooks;
    const send = hooks.fetch.bind(exchange);
    const seen = hooks.onRestResponse.bind(exchange);
    hooks.fetch = async (...args: Parameters<RestHooks['fetch']>) => {
      await this.whenOpen();
      return send(...args);
    };
    hooks.onRestResponse = (...args: Parameters<RestHooks['onRestResponse']>) => {
      this.observe(Number(args[0]), args[4]);
      return seen(...args);
    };
  }

  /** Records one response's status and headers. O(headers). */
  observe(status: number, headers: unknown): void {
    const retryAfter = parseRetryAfter(responseHeader(headers, 'retry-after'), this.now());
    if (status === 429 || status === 418) {
      let wait = retryAfter;
      if (wait === undefined) {
        this.strikes++;
        wait = backoffDelay(this.strikes, this.fallback);
      }
      this.closeFor(wait);
    } else if (status === 503 && retryAfter !== undefined) {
      this.closeFor(retryAfter);
    } else if (status < 400) {
      this.strikes = 0;
    }
  }

  /** Fails every request waiting at the gate, and any later one: the venue is closing. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.cancel(new Error('closed while waiting for the exchange to accept requests again'));
    }
    this.waiters.clear();
  }

  private closeFor(ms: number): void {
    this.openAt = Math.max(this.openAt, this.now() + Math.ceil(ms));
  }

  /** Resolves once requests may be sent (at once when they may now); rejects once closed. */
  async whenOpen(): Promise<void> {
    for (let wait = this.remainingMs(); wait > 0; wait = this.remainingMs()) {
      if (this.closed) throw new Error('closed while waiting for the exchange to accept requests again');
      await new Promise<void>((resolve, reject) => {
        const waiter = {
          timer: setTimeout(() => {
            this.waiters.delete(waiter);
            resolve();
          }, wait),
          cancel: reject,
        };
        this.waiters.add(waiter);
      });
    }
  }
}
