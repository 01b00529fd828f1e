/**
 * Plays a tape of timed events in exchange-time order: at a speed multiple of real time, as fast
 * as possible ('max', in batches that yield to the event loop), or by hand (`step`). Playing is
 * deterministic: the same events in the same order whatever the speed; only the wall-clock gaps
 * between them change.
 */

/** Playback rate: a multiple of the exchange's own pace, or 'max' for no waiting at all. */
export type PlaySpeed = number | 'max';

export interface TapePlayerOptions {
  speed: PlaySpeed;
  /** Events played per event-loop turn at 'max' speed (and at most per timer tick otherwise). */
  batchSize: number;
}

/** Error for a speed that is not positive and finite (nor 'max'). */
export class PlaySpeedError extends Error {
  override readonly name = 'PlaySpeedError';
}

export class TapePlayer<E extends { t: number }> {
  private cursor: number;
  private speed: PlaySpeed;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private wallAnchor = 0;
  private tapeAnchor = 0;
  private running = false;

  /**
   * `play` receives each event once, in order, from index `start`. `onEnd` runs once, after the
   * last event.
   */
  constructor(
    private readonly events: readonly E[],
    start: number,
    private readonly play: (event: E) => void,
    private readonly onEnd: () => void,
    private readonly options: TapePlayerOptions,
  ) {
    this.cursor = start;
    this.speed = checkSpeed(options.speed);
  }

  /** Index of the next event to play. */
  get position(): number {
    return this.cursor;
  }

  get length(): number {
    return this.events.length;
  }

  get ended(): boolean {
    return this.cursor >= this.events.length;
  }

  get playing(): boolean {
    return this.running;
  }

  /** Exchange time of the next event, or undefined at the end. */
  get nextTime(): number | undefined {
    return this.events[this.cursor]?.t;
  }

  /** Starts or continues timed playback from the next event. */
  resume(): void {
    if (this.running || this.ended) return;
    this.running = true;
    this.anchor();
    this.schedule();
  }

  /** Stops timed playback after the current event; `step` still works. */
  pause(): void {
    this.running = false;
    this.clearTimers();
  }

  /** Changes the speed; playback continues from where it is at the new rate. */
  setSpeed(speed: PlaySpeed): void {
    this.speed = checkSpeed(speed);
    if (this.running) {
      this.clearTimers();
      this.anchor();
      this.schedule();
    }
  }

  /** Plays the next `count` events now, synchronously. Returns how many were played. O(count). */
  step(count: number): number {
    let played = 0;
    while (played < count && !this.ended) {
      this.playNext();
      played++;
    }
    if (played > 0 && this.running) this.anchor();
    return played;
  }

  /** Plays, synchronously, every event up to and including the first that satisfies `until`. */
  stepUntil(until: (event: E) => boolean): number {
    let played = 0;
    while (!this.ended) {
      const event = this.events[this.cursor];
      this.playNext();
      played++;
      if (until(event)) break;
    }
    if (played > 0 && this.running) this.anchor();
    return played;
  }

  /** Stops for good (timers cleared); used on shutdown. */
  dispose(): void {
    this.pause();
  }

  private playNext(): void {
    const event = this.events[this.cursor++];
    this.play(event);
    if (this.ended) {
      this.running = false;
      this.clearTimers();
      this.onEnd();
    }
  }

  private anchor(): void {
    this.wallAnchor = performance.now();
    this.tapeAnchor = this.events[this.cursor]?.t ?? 0;
  }

  private schedule(): void {
    if (!this.running || this.ended) return;
    if (this.speed === 'max') {
      this.immediate = setImmediate(() => this.tick());
      return;
    }
    const due = (this.events[this.cursor].t - this.tapeAnchor) / this.speed;
    const wait = Math.max(0, due - (performance.now() - this.wallAnchor));
    this.timer = setTimeout(() => this.tick(), wait);
  }

  private tick(): void {
    this.timer = undefined;
    this.immediate = undefined;
    if (!this.running) return;
    const budget = this.options.batchSize;
    let played = 0;
    if (this.speed === 'max') {
      while (played < budget && !this.ended) {
        this.playNext();
        played++;
      }
    } else {
      const tapeNow = this.tapeAnchor + (performance.now() - this.wallAnchor) * this.speed;
      while (played < budget && !this.ended && this.events[this.cursor].t <= tapeNow) {
        this.playNext();
        played++;
      }
    }
    this.schedule();
  }

  private clearTimers(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }
}

function checkSpeed(speed: PlaySpeed): PlaySpeed {
  if (speed === 'max') return speed;
  if (typeof speed !== 'number' || !Number.isFinite(speed) || speed <= 0) throw new PlaySpeedError(`speed must be > 0 or 'max', got ${String(speed)}`);
  return speed;
}
