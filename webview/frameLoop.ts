/**
 * Draws at most once per animation frame, however many messages arrive, and acknowledges each
 * host frame once it is on screen. The ack is posted from the following animation frame: the
 * chart paints in its own requestAnimationFrame callback queued while we drew, which runs before
 * ours in that frame, so `renderMs` covers our drawing plus the chart's paint.
 */
export class FrameLoop {
  /** Frames drawn and acks posted, and the last render time reported. */
  draws = 0;
  acks = 0;
  lastRenderMs = 0;
  private scheduled = false;
  private waiting: number[] = [];

  constructor(
    private readonly drawAll: () => void,
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
    const ids = this.waiting;
    this.waiting = [];
    const drawMs = performance.now() - start;
    requestAnimationFrame((frameStart) => {
      const renderMs = drawMs + Math.max(0, performance.now() - frameStart);
      this.lastRenderMs = renderMs;
      for (const id of ids) {
        this.ack(id, renderMs);
        this.acks++;
      }
    });
  };
}
