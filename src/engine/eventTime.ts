/**
 * Plausibility of exchange timestamps. A stamp far ahead of the market's clock (a corrupt line, a
 * unit mix-up, a broken exchange clock) would open a far-future candle, make every later trade
 * look old to a duplicate filter, and make a replay wait for days; so it is refused and counted.
 *
 * The clock is the newest accepted stamp, or the wall time a caller gives (`observe`), whichever
 * is later: the engine reads no clock itself. Tolerance: a stamp more than
 * {@link MAX_CLOCK_LEAD_MS} (5 min) ahead of that clock is refused, unless
 * {@link JUMP_CONFIRMATIONS} consecutive stamps agree on the new time (within the same tolerance):
 * a real jump (a laptop resumed from sleep, an idle gap in a recording, a skewed wall clock) is
 * then followed after losing at most two events, while a stray stamp never moves the clock.
 * Stamps before 2009-01-03 (no crypto market existed) or after 2100 are always refused.
 */

/** Bitcoin's first block, 2009-01-03 UTC: no exchange stamp is older. */
export const MIN_EVENT_TIME_MS = Date.UTC(2009, 0, 3);
/** 2100-01-01 UTC: anything later is a unit error (µs or ns read as ms), not a date. */
export const MAX_EVENT_TIME_MS = Date.UTC(2100, 0, 1);
/** How far a stamp may run ahead of the clock. */
export const MAX_CLOCK_LEAD_MS = 5 * 60_000;
/** Consecutive agreeing stamps that make a jump ahead real. */
export const JUMP_CONFIRMATIONS = 3;

/** Why a stamp was refused; constant strings. */
export const TimeRejection = {
  OutOfRange: 'its time is not a date between 2009 and 2100',
  Ahead: 'its time is more than 5 min ahead of the market clock',
} as const;
export type TimeRejection = (typeof TimeRejection)[keyof typeof TimeRejection];

export class EventTimeGuard {
  /** Stamps refused as out of range / ahead of the clock. */
  outOfRange = 0;
  ahead = 0;
  /** Why the last stamp was refused ('' before any). */
  lastRejection: TimeRejection | '' = '';

  /** Newest trusted time (ms); NaN until a stamp or a wall time is seen. */
  private clockMs = NaN;
  /** First stamp of a run ahead of the clock, and how many consecutive stamps agreed with it. */
  private jumpMs = NaN;
  private jumpVotes = 0;
  /** Newest accepted stamp; the last wall time observed, and the first one observed after the newest stamp came (NaN until then). */
  private stampMs = NaN;
  private wallMs = NaN;
  private wallAtStampMs = NaN;
  private exchangeMs = NaN;

  /** The market's clock (ms): NaN before any stamp or wall time. */
  get clock(): number {
    return this.clockMs;
  }

  /**
   * The exchange's own clock (ms): the newest accepted stamp, moved on by the wall time that passed
   * since the first observation after it came (so a quiet stream still moves on; counted from
   * after the stamp's arrival, it never gets ahead of the exchange's time); the wall time alone
   * before any stamp. Unlike {@link clock} it never runs ahead of the exchange's
   * stamps by a wall clock set ahead of them (a skewed computer clock, a server replaying an old
   * recording), so what is timed by it lines up with the candles. Never moves back, but once: from
   * the wall time to the first stamp. O(1).
   */
  get exchangeClock(): number {
    return this.exchangeMs;
  }

  /** Stamps refused so far. */
  get rejected(): number {
    return this.outOfRange + this.ahead;
  }

  /** A wall time (ms) the caller trusts, e.g. `Date.now()` for a live exchange. Never moves the clock back. O(1). */
  observe(wallMs: number): void {
    if (!(wallMs >= MIN_EVENT_TIME_MS && wallMs <= MAX_EVENT_TIME_MS)) return;
    this.wallMs = wallMs;
    if (this.stampMs === this.stampMs && this.wallAtStampMs !== this.wallAtStampMs) this.wallAtStampMs = wallMs;
    if (!(wallMs <= this.clockMs)) this.clockMs = wallMs;
    this.moveExchangeClock();
  }

  /** True when `timeMs` is plausible (the clock then advances to it). O(1); no allocation. */
  accept(timeMs: number): boolean {
    if (!(timeMs >= MIN_EVENT_TIME_MS && timeMs <= MAX_EVENT_TIME_MS)) {
      this.outOfRange++;
      this.lastRejection = TimeRejection.OutOfRange;
      return false;
    }
    if (timeMs > this.clockMs + MAX_CLOCK_LEAD_MS) {
      if (this.jumpVotes > 0 && Math.abs(timeMs - this.jumpMs) <= MAX_CLOCK_LEAD_MS) this.jumpVotes++;
      else {
        this.jumpMs = timeMs;
        this.jumpVotes = 1;
      }
      if (this.jumpVotes < JUMP_CONFIRMATIONS) {
        this.ahead++;
        this.lastRejection = TimeRejection.Ahead;
        return false;
      }
    }
    this.jumpVotes = 0;
    if (!(timeMs <= this.clockMs)) this.clockMs = timeMs;
    if (!(timeMs <= this.stampMs)) {
      // The first stamp replaces the wall time, ahead or not.
      if (this.stampMs !== this.stampMs) this.exchangeMs = NaN;
      this.stampMs = timeMs;
      this.wallAtStampMs = NaN;
    }
    this.moveExchangeClock();
    return true;
  }

  private moveExchangeClock(): void {
    let t = this.clockMs;
    if (this.stampMs === this.stampMs) {
      const sinceStamp = this.wallMs - this.wallAtStampMs;
      t = this.stampMs + (sinceStamp > 0 ? sinceStamp : 0);
    }
    if (!(t <= this.exchangeMs)) this.exchangeMs = t;
  }
}
