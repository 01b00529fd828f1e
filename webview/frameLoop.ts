/**
 * Draws at most once per animation frame, however many messages arrive, and acknowledges each
 * host frame once it is on screen. The ack is posted from the animation frame that follows the
 * draw: the chart paints in its own requestAnimationFrame callback queued while we drew, which
 * runs before ours in that frame, so `renderMs` covers our drawing plus the chart's paint.
 *
 * A host frame that changed nothing visible (`hasWork()` false, e.g. a ladder-only change with
 * the ladder hidden) is acknowledged at once, without an animation frame: the host must never
 * wait for a frame that has nothing to paint, and the page must not wake up for it.
 */
export class FrameLoop {
  /** Draws made, acks posted, frames acked without a draw, the last render time. */
  draws = 0;
  acks = 0;
  acksWithoutDraw = 0;
  lastRenderMs = 0;
  /** A draw is asked for (it runs in a task, or after the pending ack's frame). */
  private scheduled = false;
  /** Frames to draw at the next draw. */
  private waiting: number[] = [];
  /** Frames drawn, acknowledged at the next animation frame (kept in order with later ones). */
  private drawn: number[] = [];
  /** An animation frame is queued to acknowledge `drawn`; the next draw waits for it. */
  private ackQueued = false;
  private drawMs = 0;

  constructor(
    private readonly drawAll: () => void,
    /** Whether anything drawable changed since the last draw (always true without power saving). */
    private readonly hasWork: () => boolean,
    private readonly ack: (id: number, renderMs: number) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Something changed: draw in a task of its own, as soon as the page is free. Not inside an
   * animation frame: lightweight-charts paints in a requestAnimationFrame callback it queues when
   * its series change, so a draw made inside a frame has its chart painted a frame later and each
   * update costs the page two frames (in VS Code each is a compositor frame of the whole window).
   * Drawn in a task, the panel's DOM and the chart's paint land in the same next frame. At most
   * one draw per frame: while an ack's frame is queued, the next draw waits for it.
   */
  request(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    if (!this.ackQueued) setTimeout(this.tick, 0);
  }

  /** Host frame `id` was applied to the model: draw it, then acknowledge it. */
  frameArrived(id: number): void {
    if (!this.scheduled && !this.hasWork()) {
      if (this.drawn.length > 0) {
        this.drawn.push(id);
        return;
      }
      this.ack(id, 0);
      this.acks++;
      this.acksWithoutDraw++;
      return;
    }
    this.waiting.push(id);
    this.request();
  }

  private readonly tick = (): void => {
    this.scheduled = false;
    const start = performance.now();
    try {
      this.drawAll();
    } catch (error) {
      // A drawing bug must not stop the loop or the acks (the host would stall).
      this.onError(error);
    }
    this.draws++;
    if (this.waiting.length === 0) return;
    for (const id of this.waiting) this.drawn.push(id);
    this.waiting.length = 0;
    if (this.ackQueued) return;
    this.ackQueued = true;
    this.drawMs = performance.now() - start;
    // Queued after the chart's own paint callback (its series changed in drawAll): this runs once
    // the frame that shows the draw is painted.
    requestAnimationFrame(this.acknowledge);
  };

  private readonly acknowledge = (frameStart: number): void => {
    this.ackQueued = false;
    const renderMs = this.drawMs + Math.max(0, performance.now() - frameStart);
    this.lastRenderMs = renderMs;
    for (const id of this.drawn) {
      this.ack(id, renderMs);
      this.acks++;
    }
    this.drawn.length = 0;
    if (this.scheduled) setTimeout(this.tick, 0);
  };
}
