/**
 * Maps wall time to market time for a replay at a given speed: market(w) = anchor + (w - wallAnchor)
 * × speed. Re-anchored whenever the speed changes, on resume, and when the consumer falls far
 * behind (so a slow consumer slows the replay down instead of building up a burst).
 */
export class ReplayClock {
  private marketAnchor = NaN;
  private wallAnchor = 0;

  /** `speed`: market ms per wall ms; Infinity plays as fast as the consumer takes events. */
  constructor(public speed: number) {}

  /** True once anchored (the first timed event). */
  get started(): boolean {
    return this.marketAnchor === this.marketAnchor;
  }

  /** Market time `market` is now (wall ms `wall`). O(1). */
  anchor(market: number, wall: number): void {
    this.marketAnchor = market;
    this.wallAnchor = wall;
  }

  /** Market time at wall time `wall`; NaN before the first anchor. O(1). */
  marketAt(wall: number): number {
    if (this.speed === Infinity) return this.marketAnchor;
    return this.marketAnchor + (wall - this.wallAnchor) * this.speed;
  }

  /** Wall ms until market time `market` is due (<= 0: due now; always 0 at Infinity speed). O(1). */
  dueIn(market: number, wall: number): number {
    if (this.speed === Infinity || !this.started) return 0;
    return (market - this.marketAt(wall)) / this.speed;
  }
}
