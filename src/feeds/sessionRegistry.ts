/**
 * The market sessions in use, one per (exchange, symbol). Readers `acquire` a lease; the session
 * is created on the first and closed (feed, sockets, timers) on the last release. Feeds come
 * from the factory passed in: live ccxt, a recording or the simulator.
 */
import { Emitter, type Disposable } from './eventEmitter';
import type { FeedFactory } from './feedFactory';
import { MarketSession, type MarketSessionOptions, type SessionLease } from './marketSession';
import type { SessionDemand } from './sessionDemand';

export interface SessionRegistryOptions {
  createFeed: FeedFactory;
  /** Options of every session. */
  session: Partial<MarketSessionOptions>;
}

export class SessionRegistry {
  /** A session was opened or closed. */
  readonly onDidChange: (listener: (session: MarketSession) => void) => Disposable;
  private readonly sessionsByKey = new Map<string, MarketSession>();
  private readonly closing = new Set<Promise<void>>();
  private readonly changed = new Emitter<MarketSession>();
  private readonly options: SessionRegistryOptions;

  constructor(options: Pick<SessionRegistryOptions, 'createFeed'> & Partial<SessionRegistryOptions>) {
    this.options = { session: {}, ...options };
    this.onDidChange = this.changed.event;
  }

  /**
   * A lease on the session of (exchange, symbol), created if none is open. Throws
   * TimeframeError or RangeError when the session options are bad. O(1).
   */
  acquire(exchange: string, symbol: string, demand: SessionDemand = 'market'): SessionLease {
    const key = keyOf(exchange, symbol);
    let session = this.sessionsByKey.get(key);
    if (session === undefined) {
      const created = new MarketSession({ exchange, symbol }, this.options.createFeed, this.options.session, (closed) => this.forget(key, closed));
      this.sessionsByKey.set(key, created);
      this.changed.fire(created);
      session = created;
    }
    return session.acquire(demand);
  }

  /** The open session of (exchange, symbol), if any. O(1). */
  find(exchange: string, symbol: string): MarketSession | undefined {
    return this.sessionsByKey.get(keyOf(exchange, symbol));
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
    await Promise.all(this.sessions().map((session) => session.close()));
    await this.whenClosed();
    this.changed.dispose();
  }

  private forget(key: string, session: MarketSession): void {
    if (this.sessionsByKey.get(key) === session) this.sessionsByKey.delete(key);
    const closing = session.whenIdle().then(() => undefined);
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
    this.changed.fire(session);
  }
}

function keyOf(exchange: string, symbol: string): string {
  return `${exchange}\u0000${symbol}`;
}
