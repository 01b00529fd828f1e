/**
 * Draws at most once per animation frame, however many messages arrive, and acknowledges each
 * host frame once it is on screen. The ack is posted from the following animation frame: the
 * chart paints in its own requestAnimationFrame callback queued while we drew, which runs before
 * ours in that frame, so `renderMs` covers our drawing plus the chart's paint.
 *
 * A host frame that changed nothing visible (`hasWork()` false, e.g. a ladder-only change with
 * the ladder hidden) is acknowledged at once, without an animation frame: the host must never
 * wait for a frame that has nothing to paint, and the page must not wake up for it.
 */
export class FrameLoop {
  /** Animation frames run (draws), acks posted, frames acked without a draw, the last render time. */
  draws = 0;
  acks = 0;
  acksWithoutDraw = 0;
  lastRenderMs = 0;
  private scheduled = false;
  /** Frames to draw at the next animation frame. */
  private waiting: number[] = [];
  /** Frames drawn, acknowledged at the following animation frame (kept in order with later ones). */
  private drawn: number[] = [];

  constructor(
    private readonly drawAll: () => void,
    /** Whether anything drawable changed since the last draw (always true without power saving). */
    private readonly hasWork: () => boolean,
    private readonly ack: (id: number, renderMs: number) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Something changed: draw on the next animation frame. */
  request(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(this.tick);
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
    const queued = this.drawn.length > 0;
    for (const id of this.waiting) this.drawn.push(id);
    this.waiting.length = 0;
    if (queued) return;
    const drawMs = performance.now() - start;
    requestAnimationFrame((frameStart) => {
      const renderMs = drawMs + Math.max(0, performance.now() - frameStart);
      this.lastRenderMs = renderMs;
      for (const id of this.drawn) {
        this.ack(id, renderMs);
        this.acks++;
      }
      this.drawn.length = 0;
    });
  };
}
