import { LevelList, type MarketEvent } from '../events';
import { isPrice, isSize } from './levelValidity';
import { BookReject, type OrderBook } from './orderBook';
import type { SequenceRule } from './sequenceRule';

/**
 * Where the book stands against the exchange's sequence:
 * - `awaitingSnapshot`: no snapshot yet; diffs are buffered. The book is empty.
 * - `bridging`: a snapshot is applied; waiting for the diff that straddles its id.
 * - `live`: every diff since the snapshot has chained; the book is the exchange's.
 * - `needsResync`: a gap or a bad diff; the book is NOT the exchange's and must not be shown as
 *   such until a new snapshot bridges. Diffs are buffered meanwhile.
 */
export const SyncState = {
  AwaitingSnapshot: 'awaitingSnapshot',
  Bridging: 'bridging',
  Live: 'live',
  NeedsResync: 'needsResync',
} as const;
export type SyncState = (typeof SyncState)[keyof typeof SyncState];

/** What happened to one diff. */
export const DiffOutcome = {
  Applied: 0,
  /** Held until a snapshot arrives. */
  Buffered: 1,
  /** Older than the snapshot (`u <= lastUpdateId`): dropped. */
  Stale: 2,
  /** Did not chain: the book went to `needsResync`. */
  Gap: 3,
  /** Bad numbers: refused, the book went to `needsResync`. */
  Rejected: 4,
} as const;
export type DiffOutcome = (typeof DiffOutcome)[keyof typeof DiffOutcome];

/** Counters a user or a test can read. */
export class BookSyncStats {
  applied = 0;
  stale = 0;
  gaps = 0;
  rejected = 0;
  /** Buffered diffs dropped because the buffer was full (oldest first). */
  overflowed = 0;
  snapshots = 0;
  snapshotsRejected = 0;
  /** Diffs or mirrors after which the book crossed or lost a side: each sent the book to `needsResync`. */
  invalidBooks = 0;
}

/** Receives every applied diff's final id (e.g. to compare with the exchange's best bid/ask). */
export interface BookSyncListener {
  diffApplied(finalId: number): void;
}

/** A diff held while waiting for a snapshot. Slots are reused. */
class HeldDiff {
  firstId = -1;
  finalId = -1;
  prevFinalId = -1;
  readonly bids = new LevelList(64);
  readonly asks = new LevelList(64);
}

/**
 * The order-book sync procedure as an explicit state machine (Binance's "how to manage a local
 * order book", generalized by a {@link SequenceRule}): buffer diffs until the snapshot, drop those
 * with `u <= lastUpdateId`, the first applied must bridge the snapshot, each next one must follow
 * the previous; a gap moves to `needsResync`, which the owner answers with a new snapshot.
 */
export class BookSync {
  state: SyncState = SyncState.AwaitingSnapshot;
  /** Final id of the last snapshot or diff applied. */
  lastFinalId = -1;
  readonly stats = new BookSyncStats();
  /** Why the last `needsResync` happened; constant strings. */
  resyncReason = '';

  /** Told after every applied diff, including held diffs replayed after a snapshot. */
  listener: BookSyncListener | null = null;

  private readonly held: HeldDiff[] = [];
  private heldStart = 0;
  private heldCount = 0;

  constructor(
    readonly book: OrderBook,
    readonly rule: SequenceRule,
    readonly maxHeldDiffs = 1024,
  ) {}

  /** True when the book can be shown as the exchange's book. */
  isShowable(): boolean {
    return this.state === SyncState.Live || this.state === SyncState.Bridging;
  }

  /** Handles one diff. O(levels in the diff) when applied; no allocation once slots exist. */
  onDiff(diff: MarketEvent): DiffOutcome {
    if (!diffIsValid(diff)) {
      this.stats.rejected++;
      this.enterNeedsResync('a diff had bad numbers');
      return DiffOutcome.Rejected;
    }
    switch (this.state) {
      case SyncState.AwaitingSnapshot:
      case SyncState.NeedsResync:
        this.hold(diff);
        return DiffOutcome.Buffered;
      case SyncState.Bridging:
        if (diff.finalId <= this.lastFinalId) {
          this.stats.stale++;
          return DiffOutcome.Stale;
        }
        if (!this.rule.bridges(diff, this.lastFinalId)) {
          this.enterNeedsResync('the first diff after the snapshot did not bridge it');
          this.hold(diff);
          return DiffOutcome.Gap;
        }
        // Live before applying: a resync asked during `apply` (a bad book, the listener) must stand.
        this.state = SyncState.Live;
        this.apply(diff.bids, diff.asks, diff.finalId);
        return DiffOutcome.Applied;
      case SyncState.Live:
        if (diff.finalId <= this.lastFinalId) {
          this.stats.stale++;
          return DiffOutcome.Stale;
        }
        if (!this.rule.follows(diff, this.lastFinalId)) {
          this.enterNeedsResync('a diff did not follow the previous one (sequence gap)');
          this.hold(diff);
          return DiffOutcome.Gap;
        }
        this.apply(diff.bids, diff.asks, diff.finalId);
        return DiffOutcome.Applied;
    }
  }

  /**
   * Applies a snapshot (`snapshot.finalId` = its lastUpdateId), then the held diffs that come
   * after it. Returns the book's refusal reason when the snapshot is bad (state unchanged).
   * O(levels + held diffs).
   */
  onSnapshot(snapshot: MarketEvent): BookReject {
    const reason = this.book.applySnapshot(snapshot.bids, snapshot.asks);
    if (reason !== BookReject.Ok) {
      this.stats.snapshotsRejected++;
      return reason;
    }
    this.stats.snapshots++;
    this.lastFinalId = snapshot.finalId;
    this.state = SyncState.Bridging;
    this.replayHeld();
    return BookReject.Ok;
  }

  /** Asks for a new snapshot (e.g. after a checksum failure or a reconnect). O(1). */
  requestResync(reason: string): void {
    this.enterNeedsResync(reason);
  }

  /**
   * The book was just replaced by one sequenced elsewhere (a mirrored ccxt book): it is the
   * exchange's now, unless it is crossed or a side is empty (then `needsResync`, until a sound
   * mirror). Held diffs are dropped. Returns whether the book was adopted. O(1).
   */
  adoptExternalBook(): boolean {
    this.heldStart = 0;
    this.heldCount = 0;
    const book = this.book;
    const problem = book.isCrossed()
      ? 'the mirrored book is crossed (best bid >= best ask)'
      : book.bids.count === 0 || book.asks.count === 0
        ? 'the mirrored book has an empty side'
        : '';
    if (problem !== '') {
      this.stats.invalidBooks++;
      this.enterNeedsResync(problem);
      return false;
    }
    this.state = SyncState.Live;
    return true;
  }

  /** Diffs currently held. */
  heldDiffs(): number {
    return this.heldCount;
  }

  private enterNeedsResync(reason: string): void {
    if (this.state !== SyncState.NeedsResync) this.stats.gaps++;
    this.state = SyncState.NeedsResync;
    this.resyncReason = reason;
  }

  /**
   * Applies a chained diff. A diff after which the book is crossed or has lost a side cannot be
   * the exchange's book (a missed or misordered update): `needsResync`. The listener is told
   * either way (the book changed).
   */
  private apply(bids: LevelList, asks: LevelList, finalId: number): void {
    const book = this.book;
    const hadBids = book.bids.count > 0;
    const hadAsks = book.asks.count > 0;
    for (let i = 0; i < bids.count; i++) book.bids.set(bids.prices[i]!, bids.sizes[i]!);
    for (let i = 0; i < asks.count; i++) book.asks.set(asks.prices[i]!, asks.sizes[i]!);
    this.lastFinalId = finalId;
    this.stats.applied++;
    if (book.isCrossed()) {
      this.stats.invalidBooks++;
      this.enterNeedsResync('the book crossed after a diff (best bid >= best ask)');
    } else if ((hadBids && book.bids.count === 0) || (hadAsks && book.asks.count === 0)) {
      this.stats.invalidBooks++;
      this.enterNeedsResync('a diff emptied a side of the book');
    }
    if (this.listener !== null) this.listener.diffApplied(finalId);
  }

  private hold(diff: MarketEvent): void {
    if (this.heldCount === this.maxHeldDiffs) {
      // Full: the oldest is the least useful (any new snapshot is newer than it).
      this.heldStart = (this.heldStart + 1) % this.maxHeldDiffs;
      this.heldCount--;
      this.stats.overflowed++;
    }
    const index = (this.heldStart + this.heldCount) % this.maxHeldDiffs;
    let slot = this.held[index];
    if (slot === undefined) {
      slot = new HeldDiff();
      this.held[index] = slot;
    }
    slot.firstId = diff.firstId;
    slot.finalId = diff.finalId;
    slot.prevFinalId = diff.prevFinalId;
    slot.bids.copyFrom(diff.bids);
    slot.asks.copyFrom(diff.asks);
    this.heldCount++;
  }

  /** Replays held diffs after a snapshot through the same rules as live ones. */
  private replayHeld(): void {
    while (this.heldCount > 0 && (this.state === SyncState.Bridging || this.state === SyncState.Live)) {
      const slot = this.held[this.heldStart]!;
      this.heldStart = (this.heldStart + 1) % this.maxHeldDiffs;
      this.heldCount--;
      if (slot.finalId <= this.lastFinalId) {
        this.stats.stale++;
        continue;
      }
      const ok = this.state === SyncState.Bridging ? this.rule.bridges(slot, this.lastFinalId) : this.rule.follows(slot, this.lastFinalId);
      if (!ok) {
        // The snapshot is older than the oldest held diff, or the held diffs have a hole:
        // keep this diff and the rest, and wait for a newer snapshot.
        this.heldStart = (this.heldStart - 1 + this.maxHeldDiffs) % this.maxHeldDiffs;
        this.heldCount++;
        this.enterNeedsResync('the snapshot does not bridge the buffered diffs');
        return;
      }
      this.state = SyncState.Live;
      this.apply(slot.bids, slot.asks, slot.finalId);
    }
    if (this.state === SyncState.Live || this.state === SyncState.Bridging) {
      this.heldStart = 0;
      this.heldCount = 0;
    }
  }
}

function levelsAreValid(levels: LevelList): boolean {
  for (let i = 0; i < levels.count; i++) {
    if (!isPrice(levels.prices[i]!) || !isSize(levels.sizes[i]!)) return false;
  }
  return true;
}

function diffIsValid(diff: MarketEvent): boolean {
  return Number.isFinite(diff.firstId) && Number.isFinite(diff.finalId) && diff.finalId >= diff.firstId && levelsAreValid(diff.bids) && levelsAreValid(diff.asks);
}
