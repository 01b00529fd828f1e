/**
 * An indicator pane's title ("RSI(14)", top left) and, while the chart holds fewer bars than the
 * indicator needs before it has a value, why the pane is blank ("needs 34 bars", centred). A
 * pane primitive: drawn on the pane's own canvas with the chart, so it follows the pane's size
 * and place without reading layout.
 */
import type {
  IPanePrimitive, IPanePrimitivePaneView, IPrimitivePaneRenderer, PaneAttachedParameter, PrimitivePaneViewZOrder, Time } from 'lightweight-charts';

type RenderTarget = Parameters<IPrimitivePaneRenderer['draw']>[0];

export interface PaneLabelStyle {
  title: string;
  /** Text colours, each readable on the chart's background. */
  titleColour: string;
  noteColour: string;
  fontFamily: string;
  fontSize: number;
}

const PAD_X = 8;
const PAD_Y = 4;

export class PaneLabel implements IPanePrimitive<Time> {
  /** Why the pane is blank ('' while it is not). */
  note = '';
  private requestUpdate: (() => void) | null = null;
  /** Asks the chart for a light repaint (see LightRepaint); without one, the primitive's full update. */
  repaint: (() => void) | null = null;
  private readonly views: readonly IPanePrimitivePaneView[];

  constructor(public style: PaneLabelStyle) {
    const renderer: IPrimitivePaneRenderer = { draw: (target) => this.draw(target) };
    this.views = [{ zOrder: (): PrimitivePaneViewZOrder => 'top', renderer: () => renderer }];
  }

  attached(param: PaneAttachedParameter<Time>): void {
    this.requestUpdate = param.requestUpdate;
  }

  detached(): void {
    this.requestUpdate = null;
  }

  paneViews(): readonly IPanePrimitivePaneView[] {
    return this.views;
  }

  /** Shows `note` (or none); repaints only when it changed. */
  setNote(note: string): void {
    if (note === this.note) return;
    this.note = note;
    if (this.requestUpdate !== null) (this.repaint ?? this.requestUpdate)();
  }

  private draw(target: RenderTarget): void {
    target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
      const s = this.style;
      ctx.save();
      ctx.textBaseline = 'top';
      ctx.textAlign = 'left';
      ctx.font = `600 ${s.fontSize}px ${s.fontFamily}`;
      ctx.fillStyle = s.titleColour;
      ctx.fillText(s.title, PAD_X, PAD_Y);
      if (this.note !== '') {
        ctx.font = `${s.fontSize}px ${s.fontFamily}`;
        ctx.fillStyle = s.noteColour;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(this.note, mediaSize.width / 2, mediaSize.height / 2);
      }
      ctx.restore();
    });
  }
}
