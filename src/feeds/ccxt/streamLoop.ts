/**
 * Runs one stream of a live feed: calls `next` (a ccxt watch, or one poll) in a loop, classifies
 * failures (resync at once, retry with backoff, stop), and keeps the stream's status. A watchdog
 * tick (`check`) marks a silent stream stale and, after a longer silence, forces a reconnect by
 * aborting the pending call and closing its sockets: ccxt streams can stall without an error.
 */
import { retryDelay, Sleep, type RetryPolicy } from '../retry';
import { ErrorAction } from './ccxtErrors';
import type { StreamStatus } from './streamStatus';

export interface StreamWork {
  /** Waits for the next update and delivers it; false when nothing was delivered. Throws ccxt errors. */
  next(): Promise<boolean>;
  /** The stream failed and will `action` (called before any wait). */
  failed?(action: ErrorAction, reason: string): void;
  /** The first delivery after one or more failures. */
  recovered?(): void;
  /** Ends a stalled `next` by closing its sockets. Never throws. */
  abort?(): Promise<void>;
}

export interface StreamLoopOptions extends RetryPolicy {
  /** Shown in details: "book", "trades", "ticker". */
  name: string;
  /** Pause between calls (polling), ms; 0 for a watch (call again at once). */
  pollIntervalMs: number;
  /** Silence that marks the stream stale, ms (Infinity: never). */
  staleAfterMs: number;
  /** Silence (or an unanswered call) that forces a reconnect, ms. */
  reconnectAfterMs: number;
}

/** What the loop needs from its feed. */
export interface StreamLoopHost {
  classify(error: unknown): ErrorAction;
  /** The message a person reads when the stream stops. */
  stopMessage(error: unknown): string;
  /** Short reason for a retry (error message). */
  reason(error: unknown): string;
  /** Ms the exchange asked us to wait (Retry-After) before the next request; 0 when none. */
  retryAfterMs?(error: unknown): number;
  /** The stream's status changed. */
  statusChanged(): void;
  now(): number;
}

/** Thrown into a pending call to end it (forced reconnect or close). */
class StreamAbort extends Error {}

export class StreamLoop {
  status: StreamStatus = { state: 'connecting', detail: '', value: 0, attempt: 0, retryAt: NaN };
  /** Deliveries so far. */
  deliveries = 0;
  /** Reconnects forced by the watchdog. */
  forcedReconnects = 0;
  private lastMessageAt = NaN;
  /** When the pending call started; NaN while waiting between calls. */
  private callStartedAt = NaN;
  private closed = false;
  private forcedReason: string | undefined;
  private abortDone: Promise<void> = Promise.resolve();
  private abortCall: ((error: Error) => void) | undefined;
  private readonly pause = new Sleep();
  private running: Promise<void> | undefined;

  constructor(
    private readonly work: StreamWork,
    readonly options: StreamLoopOptions,
    private readonly host: StreamLoopHost,
  ) {
    this.status.detail = `${options.name}: connecting`;
  }

  /** Starts the loop (once). */
  start(): void {
    this.running ??= this.run();
  }

  /** Watchdog tick: stale after `staleAfterMs` of silence, forced reconnect after `reconnectAfterMs`. O(1). */
  check(now: number): void {
    if (this.closed || this.forcedReason !== undefined) return;
    const state = this.status.state;
    if (state === 'live' || state === 'stale') {
      const age = now - this.lastMessageAt;
      if (age >= this.options.reconnectAfterMs && this.callStartedAt === this.callStartedAt) {
        this.force(`no message for ${seconds(age)} s`);
      } else if (age >= this.options.staleAfterMs) {
        this.setStatus('stale', `${this.options.name}: no message for ${seconds(age)} s`, age);
      }
    } else if (state !== 'error' && state !== 'closed' && now - this.callStartedAt >= this.options.reconnectAfterMs) {
      // A subscription that is never answered waits forever in ccxt.
      this.force(`no answer for ${seconds(now - this.callStartedAt)} s`);
    }
  }

  /** Stops the loop and waits for it to end. The caller closes the sockets. Idempotent. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.pause.wake();
      this.abortCall?.(new StreamAbort('closed'));
    }
    await this.running;
    this.status = { state: 'closed', detail: `${this.options.name}: closed`, value: 0, attempt: 0, retryAt: NaN };
  }

  private force(reason: string): void {
    this.forcedReason = reason;
    this.forcedReconnects++;
    this.abortDone = this.work.abort?.() ?? Promise.resolve();
    this.abortCall?.(new StreamAbort(reason));
  }

  private async run(): Promise<void> {
    let attempt = 0;
    let failing = false;
    while (!this.closed) {
      let delivered: boolean;
      try {
        delivered = await this.call();
      } catch (error) {
        if (this.closed) return;
        const forced = this.forcedReason;
        if (forced !== undefined) {
          await this.abortDone;
          this.forcedReason = undefined;
        }
        let action = forced !== undefined ? ErrorAction.Retry : this.host.classify(error);
        // Closed under us by someone else (not by close(), handled above): redial.
        if (action === ErrorAction.Closed) action = ErrorAction.Retry;
        const reason = forced ?? this.host.reason(error);
        this.work.failed?.(action, reason);
        if (action === ErrorAction.Stop) {
          this.setStatus('error', this.host.stopMessage(error), 0);
          return;
        }
        const name = this.options.name;
        if (action === ErrorAction.Resync && !failing) {
          // One resync is normal (a gap): watch again at once. Repeated ones back off below.
          failing = true;
          this.setStatus('resyncing', `${name}: resyncing (${reason})`, 0);
          continue;
        }
        failing = true;
        attempt++;
        const throttled = action === ErrorAction.Throttled;
        const delay = retryDelay(attempt, this.options, { throttled, retryAfterMs: this.host.retryAfterMs?.(error) ?? 0 });
        const retryAt = this.host.now() + delay;
        const state = action === ErrorAction.Resync ? 'resyncing' : 'reconnecting';
        const why = throttled ? `${reason} (rate limited)` : reason;
        this.setStatus(state, `${name}: ${why}; ${state} (attempt ${attempt}, next in ${seconds(delay)} s)`, 0, attempt, retryAt);
        await this.sleep(delay);
        continue;
      }
      if (this.closed) return;
      if (delivered) {
        this.deliveries++;
        this.lastMessageAt = this.host.now();
        if (failing) {
          failing = false;
          attempt = 0;
          this.work.recovered?.();
        }
        if (this.status.state !== 'live') this.setStatus('live', `${this.options.name}: live`, 0);
      }
      if (this.options.pollIntervalMs > 0) await this.sleep(this.options.pollIntervalMs);
    }
  }

  /** One `next`, abortable by the watchdog and by close. */
  private call(): Promise<boolean> {
    this.callStartedAt = this.host.now();
    const pending = this.work.next();
    // A call we stop waiting for must not surface as an unhandled rejection later.
    pending.catch(() => undefined);
    return new Promise<boolean>((resolve, reject) => {
      this.abortCall = reject;
      pending.then(resolve, reject);
    }).finally(() => {
      this.abortCall = undefined;
      this.callStartedAt = NaN;
    });
  }

  private sleep(ms: number): Promise<void> {
    return this.closed ? Promise.resolve() : this.pause.wait(ms);
  }

  private setStatus(state: StreamStatus['state'], detail: string, value: number, attempt = 0, retryAt = NaN): void {
    this.status = { state, detail, value, attempt, retryAt };
    this.host.statusChanged();
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000));
}
