/**
 * One timer for the extension's periodic work (chart panels' frame checks, status-bar flushes):
 * each beat runs every `periodMs`, its due times aligned to whole multiples of its period, so
 * beats of commensurate periods (50, 250, 1000 ms) wake the host together instead of each on its
 * own timer. At most one timer is pending, armed for the nearest due beat; none when no beat is.
 * No `vscode` import: the clock is injected for tests.
 */
import { systemClock, type SchedulerClock } from './panel/frameScheduler';

/** Beats due within this much of a wake run in it (timers fire a little late, never early). */
const SLACK_MS = 2;

export interface Beat {
  readonly periodMs: number;
  /** Changes the period; the next run is at the next multiple of the new one. */
  setPeriod(periodMs: number): void;
  dispose(): void;
}

class PulseBeat implements Beat {
  dueAt: number;

  constructor(
    private readonly pulse: Pulse,
    public periodMs: number,
    readonly run: () => void,
    now: number,
  ) {
    this.dueAt = nextMultiple(now, periodMs);
  }

  setPeriod(periodMs: number): void {
    if (periodMs === this.periodMs) return;
    this.periodMs = periodMs;
    this.pulse.rearm(this);
  }

  dispose(): void {
    this.pulse.remove(this);
  }
}

export class Pulse {
  /** Wakes of the shared timer so far, and runs of beats (for tests and the log). */
  wakes = 0;
  runs = 0;
  private readonly beats: PulseBeat[] = [];
  private timer: unknown = null;
  private armedFor = Infinity;
  private disposed = false;

  constructor(
    private readonly onError: (error: unknown) => void,
    private readonly clock: SchedulerClock = systemClock,
  ) {}

  /** Runs `run` every `periodMs` (≥ 1) until the beat is disposed. */
  every(periodMs: number, run: () => void): Beat {
    const beat = new PulseBeat(this, Math.max(1, periodMs), run, this.clock.now());
    this.beats.push(beat);
    this.arm();
    return beat;
  }

  /** Beats pending (for tests). */
  get size(): number {
    return this.beats.length;
  }

  dispose(): void {
    this.disposed = true;
    this.beats.length = 0;
    this.cancel();
  }

  /** @internal A beat's period changed. */
  rearm(beat: PulseBeat): void {
    beat.periodMs = Math.max(1, beat.periodMs);
    beat.dueAt = nextMultiple(this.clock.now(), beat.periodMs);
    this.cancel();
    this.arm();
  }

  /** @internal */
  remove(beat: PulseBeat): void {
    const i = this.beats.indexOf(beat);
    if (i < 0) return;
    this.beats.splice(i, 1);
    if (this.beats.length === 0) this.cancel();
  }

  private cancel(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.armedFor = Infinity;
  }

  /** Ensures the timer is armed for the nearest due beat. O(beats). */
  private arm(): void {
    if (this.disposed || this.beats.length === 0) return;
    let due = Infinity;
    for (const beat of this.beats) if (beat.dueAt < due) due = beat.dueAt;
    if (this.timer !== null && this.armedFor <= due) return;
    this.cancel();
    this.armedFor = due;
    this.timer = this.clock.setTimeout(this.wake, Math.max(0, due - this.clock.now()));
  }

  /** Runs every beat that is due, moves each to its next multiple, re-arms. O(beats). */
  private readonly wake = (): void => {
    this.timer = null;
    this.armedFor = Infinity;
    this.wakes++;
    const now = this.clock.now();
    // A copy: a beat may dispose itself or another, or add one, while running.
    for (const beat of this.beats.slice()) {
      if (beat.dueAt > now + SLACK_MS || !this.beats.includes(beat)) continue;
      beat.dueAt = nextMultiple(now + SLACK_MS, beat.periodMs);
      this.runs++;
      try {
        beat.run();
      } catch (error) {
        this.onError(error); // one failing beat must not stop the others
      }
    }
    this.arm();
  };
}

/** The first whole multiple of `period` after `now`. O(1). */
function nextMultiple(now: number, period: number): number {
  return (Math.floor(now / period) + 1) * period;
}
