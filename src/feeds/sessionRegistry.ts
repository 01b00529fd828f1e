/**
 * The market sessions in use, one per (exchange, symbol). Readers `acquire` a lease; the session
 * is created on the first and closed (feed, sockets, timers) on the last release. Feeds come
 * from the factory passed in: live ccxt, a recording or the simulator. One shared once-a-second
 * timer (while any session is open) lets every session check its own staleness.
 */
import { marketKey } from '../engine/marketId';
import { Emitter, type Disposable } from './eventEmitter';
import type { FeedFactory } from './feedFactory';
import { MarketSession, type MarketSessionOptions, type SessionLease } from './marketSession';
import type { SessionDemand } from './sessionDemand';

/** Runs `run` every `periodMs` until disposed (the extension's shared timer; a plain interval by default). */
export type Repeat = (periodMs: number, run: () => void) => Disposable;

const intervalRepeat: Repeat = (periodMs, run) => {
  const handle = setInterval(run, periodMs);
  handle.unref?.();
  return { dispose: () => clearInterval(handle) };
};

export interface SessionRegistryOptions {
  createFeed: FeedFactory;
  /** Options of every session. */
  session: Partial<MarketSessionOptions>;
  /** Where the once-a-second staleness check runs. */
  repeat: Repeat;
}

export class SessionRegistry {
  /** A session was opened or closed. */
  readonly onDidChange: (listener: (session: MarketSession) => void) => Disposable;
  private readonly sessionsByKey = new Map<string, MarketSession>();
  private readonly closing = new Set<Promise<void>>();
  private readonly changed = new Emitter<MarketSession>();
  private readonly options: SessionRegistryOptions;
  private ticker: Disposable | undefined;

  constructor(options: Pick<SessionRegistryOptions, 'createFeed'> & Partial<SessionRegistryOptions>) {
    this.options = { session: {}, repeat: intervalRepeat, ...options };
    this.onDidChange = this.changed.event;
  }

  /**
   * A lease on the session of (exchange, symbol), created if none is open. Throws
   * TimeframeError or RangeError when the session options are bad. O(1).
   */
  acquire(exchange: string, symbol: string, demand: SessionDemand = 'market'): SessionLease {
    const key = marketKey({ exchange, symbol });
    let session = this.sessionsByKey.get(key);
    if (session === undefined) {
      const created = new MarketSession({ exchange, symbol }, this.options.createFeed, this.options.session, (closed) => this.forget(key, closed));
      this.sessionsByKey.set(key, created);
      this.startTicking();
      this.changed.fire(created);
      session = created;
    }
    return session.acquire(demand);
  }

  /** The open session of (exchange, symbol), if any. O(1). */
  find(exchange: string, symbol: string): MarketSession | undefined {
    return this.sessionsByKey.get(marketKey({ exchange, symbol }));
  }

  /**
   * Network settings of `exchanges` changed: each open session on them re-dials in place (its
   * readers keep their leases and see reconnecting, then live). Returns how many re-dial. O(sessions).
   */
  redial(exchanges: ReadonlySet<string>, reason: string): number {
    let count = 0;
    for (const session of this.sessionsByKey.values()) {
      if (!exchanges.has(session.key.exchange)) continue;
      session.redial(reason);
      count++;
    }
    return count;
  }

  /** The stale timeout of every session, open and future; touches no socket. */
  setStaleAfter(ms: number): void {
    this.options.session = { ...this.options.session, staleAfterMs: ms };
    for (const session of this.sessionsByKey.values()) session.setStaleAfter(ms);
  }

  /**
   * The history length of every session, open and future; each open chart session for which
   * `reloads` holds re-opens its feed to load that many bars. Returns how many reload. O(sessions).
   */
  setHistoryBars(bars: number, reloads: (session: MarketSession) => boolean): number {
    this.options.session = { ...this.options.session, historyBars: bars };
    let count = 0;
    for (const session of this.sessionsByKey.values()) if (session.setHistoryBars(bars, reloads(session))) count++;
    return count;
  }

  get size(): number {
    return this.sessionsByKey.size;
  }

  /** The open sessions. Allocates the list. */
  sessions(): MarketSession[] {
    return [...this.sessionsByKey.values()];
  }

  /** Resolves when every session closed so far has closed its feed. */
  async whenClosed(): Promise<void> {
    await Promise.all([...this.closing]);
  }

  /** Closes every session, leases or not. */
  async dispose(): Promise<void> {
    this.stopTicking();
    await Promise.all(this.sessions().map((session) => session.close()));
    await this.whenClosed();
    this.changed.dispose();
  }

  private forget(key: string, session: MarketSession): void {
    if (this.sessionsByKey.get(key) === session) this.sessionsByKey.delete(key);
    if (this.sessionsByKey.size === 0) this.stopTicking();
    const closing = session.whenIdle().then(() => undefined);
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
    this.changed.fire(session);
  }

  private startTicking(): void {
    if (this.ticker !== undefined) return;
    this.ticker = this.options.repeat(1000, () => {
      const now = Date.now();
      for (const session of this.sessionsByKey.values()) session.tick(now);
    });
  }

  private stopTicking(): void {
    this.ticker?.dispose();
    this.ticker = undefined;
  }
}
