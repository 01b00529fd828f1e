/**
 * Paces one panel's frames: at most one frame in flight (the next is built only after the
 * webview acknowledges the previous one), so everything that changes meanwhile coalesces into
 * that next frame and memory stays flat however slow the webview is. The interval adapts to the
 * render time the webview reports, capped by the frame-rate setting. A hidden panel gets
 * nothing; when shown it gets one catch-up frame (or a fresh `init` if it missed an ack).
 * No `vscode` import: the panel wires `post` and visibility in.
 */
import type { FrameBuilder } from '../../engine/frame/frameBuilder';
import type { HostMessage, StatusInfo } from '../../engine/protocol';

export interface SchedulerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface FrameSchedulerOptions {
  /** Frame-rate cap (frames/s). */
  maxFps: number;
  /** Without an ack for this long, the webview is presumed reloaded: the next message is `init`. */
  ackTimeoutMs: number;
}

/**
 * Longest render time an ack may report, ms: a webview claiming more (a bug, a hostile page, a
 * tab frozen in the background) slows frames to at most 1.5 s apart, never stops them.
 */
export const MAX_RENDER_MS = 1000;

export const DEFAULT_FRAME_SCHEDULER_OPTIONS: Readonly<FrameSchedulerOptions> = { maxFps: 20, ackTimeoutMs: 3000 };

export const systemClock: SchedulerClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class FrameScheduler {
  options: FrameSchedulerOptions;
  /** Frames posted and acknowledged, and the smoothed render time the webview reports. */
  framesSent = 0;
  framesAcked = 0;
  /** Acks dropped: not for the frame in flight (stale, repeated or invented). */
  acksIgnored = 0;
  renderMs = 0;
  /** Host time to build each frame, ms (the last one). */
  lastBuildMs = 0;

  private nextId = 1;
  private inFlight = -1;
  private inFlightSince = 0;
  private lastSentAt = -Infinity;
  private visible = true;
  private ready = false;
  private needsInit = true;
  private timer: unknown = null;
  private disposed = false;

  constructor(
    private readonly builder: FrameBuilder,
    private readonly post: (message: HostMessage) => void,
    private readonly status: () => StatusInfo,
    options: Partial<FrameSchedulerOptions> = {},
    private readonly clock: SchedulerClock = systemClock,
  ) {
    this.options = { ...DEFAULT_FRAME_SCHEDULER_OPTIONS, ...options };
  }

  /** The webview (re)loaded and said `ready`: it gets a full `init`. */
  onReady(): void {
    this.ready = true;
    this.needsInit = true;
    this.inFlight = -1;
    this.reschedule();
  }

  /** The webview acknowledged frame `id` after `renderMs` of work (clamped to 0..MAX_RENDER_MS). */
  onAck(id: number, renderMs: number): void {
    if (id !== this.inFlight) {
      this.acksIgnored++; // a stale or duplicate ack
      return;
    }
    this.inFlight = -1;
    this.framesAcked++;
    const clamped = renderMs >= 0 ? Math.min(renderMs, MAX_RENDER_MS) : 0;
    // Exponential smoothing: one slow frame does not halve the rate.
    this.renderMs = this.framesAcked === 1 ? clamped : this.renderMs * 0.8 + clamped * 0.2;
    this.reschedule();
  }

  /** Panel visibility changed. Hidden: nothing is sent; shown: catch up at once. */
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.reschedule();
  }

  /** Something changed in the market. Cheap enough to call per event: at most one timer is pending. */
  marketChanged(): void {
    this.kick();
  }

  /** Settings or timeframe changed: the next message is a fresh `init`. */
  resetView(): void {
    this.needsInit = true;
    this.inFlight = -1;
    this.reschedule();
  }

  /**
   * A new frame-rate cap (the pace changed: the user looked at the panel or away). A higher rate
   * applies at once: the pending wait is re-computed with the new interval.
   */
  setMaxFps(maxFps: number): void {
    if (maxFps === this.options.maxFps) return;
    this.options = { ...this.options, maxFps };
    this.reschedule();
  }

  /** Minimum time between frames: the cap, or slower when the webview needs longer to draw. */
  intervalMs(): number {
    return Math.max(1000 / this.options.maxFps, this.renderMs * 1.5);
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Replaces any pending timer: the reason it was set (an ack wait, an interval) has changed. */
  private reschedule(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.kick();
  }

  /** Ensures a timer is pending when there may be work; cheap when one already is. */
  private kick(): void {
    if (this.disposed || this.timer !== null || !this.ready || !this.visible) return;
    const now = this.clock.now();
    if (this.inFlight >= 0) {
      // Waiting for an ack; check back when it would time out.
      const wait = this.inFlightSince + this.options.ackTimeoutMs - now;
      if (wait > 0) {
        this.timer = this.clock.setTimeout(() => this.tick(), wait);
        return;
      }
      this.needsInit = true;
      this.inFlight = -1;
    }
    const wait = this.lastSentAt + this.intervalMs() - now;
    this.timer = this.clock.setTimeout(() => this.tick(), Math.max(0, wait));
  }

  private tick(): void {
    this.timer = null;
    if (this.disposed || !this.ready || !this.visible) return;
    const now = this.clock.now();
    if (this.inFlight >= 0) {
      if (this.inFlightSince + this.options.ackTimeoutMs - now > 1) return this.kick();
      this.needsInit = true; // the ack never came: the webview was reloaded or lost the frame
      this.inFlight = -1;
    }
    // 1 ms of slack: timers have 1 ms granularity, and re-arming for a float residue would spin.
    if (this.lastSentAt + this.intervalMs() - now > 1) return this.kick();
    const start = this.clock.now();
    if (this.needsInit) {
      this.needsInit = false;
      this.post(this.builder.buildInit(this.status()));
      this.lastBuildMs = this.clock.now() - start;
      this.lastSentAt = now;
      return; // `init` is not acked; frames follow on the next change
    }
    const id = this.nextId++;
    const frame = this.builder.buildFrame(id, this.status(), start, () => this.clock.now());
    if (frame === null) return; // nothing changed: wait for marketChanged
    this.lastBuildMs = frame.stats.buildMs;
    this.inFlight = id;
    this.inFlightSince = now;
    this.lastSentAt = now;
    this.framesSent++;
    this.post(frame);
  }
}
