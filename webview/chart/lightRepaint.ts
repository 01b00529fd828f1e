/**
 * Repaints the chart for its primitives (depth overlay, trade marks, heatmap, footprint, pane
 * notes) with a light update. A primitive's own `requestUpdate` is a full update in
 * lightweight-charts 5: the chart lays its panes out again, and setting each pane's height
 * invalidates it once more, so every such request costs two paints in two frames (in VS Code
 * each is a compositor frame of the whole window). A data update is light: one paint. So the
 * primitives ask here; a draw that updates a series anyway repaints them at no cost, and one
 * that does not re-sends the newest bar as it is (a light update), once.
 */
export class LightRepaint {
  /** Repaints asked for since the last draw settled them (for the debug hook). */
  asked = 0;
  /** Light repaints made by re-sending the newest bar; full updates when there was none. */
  nudges = 0;
  fulls = 0;
  private pending = false;
  private drawing = false;

  constructor(
    /** Asks for a draw (the panel's frame loop). */
    private readonly scheduleDraw: () => void,
  ) {}

  /** A primitive's picture changed: repaint at the next draw, asking for one if none is under way. */
  readonly request = (): void => {
    this.asked++;
    if (this.pending) return;
    this.pending = true;
    if (!this.drawing) this.scheduleDraw();
  };

  /** Whether a repaint is waiting for a draw. */
  get waiting(): boolean {
    return this.pending;
  }

  /** A draw starts: requests made during it are settled at its end. */
  beginDraw(): void {
    this.drawing = true;
  }

  /**
   * The draw ends. `seriesUpdated`: it changed a series, so a light paint is coming. Otherwise
   * `nudge` re-sends the newest bar (false when there is none), else `full` asks for a full update.
   */
  endDraw(seriesUpdated: boolean, nudge: () => boolean, full: () => void): void {
    this.drawing = false;
    if (!this.pending) return;
    this.pending = false;
    if (seriesUpdated) return;
    if (nudge()) this.nudges++;
    else {
      full();
      this.fulls++;
    }
  }
}
