/**
 * Draws the depth overlay: cumulative bid and ask step curves against the price axis, hugging
 * the pane's right edge. Geometry is computed here, in `draw()`, where the price scale is final
 * (`updateAllViews()` only marks it dirty); when neither the book nor the viewport changed the
 * last paths are reused. Both sides reach the same price distance from the touch so their
 * areas compare, levels that land in the same pixel row are merged (every step is at least
 * 1 px tall), and each side is one path, filled then stroked.
 */
import type { IPrimitivePaneRenderer } from 'lightweight-charts';
import type { BookModel, BookSideRows } from '../state/bookModel';

type RenderTarget = Parameters<IPrimitivePaneRenderer['draw']>[0];

export interface DepthStyle {
  visible: boolean;
  /** Width of the overlay at the deepest cumulative size, CSS px. */
  width: number;
  up: string;
  down: string;
  upFill: string;
  downFill: string;
}

/** What the last draw produced, in CSS px (read by the debug hook and tests). */
export class DepthGeometry {
  drawn = false;
  /** Pane width; the overlay's right edge. */
  right = 0;
  /** Best bid's and ask's pixel rows, and where each curve ends (deepest row drawn). */
  bidY = NaN;
  askY = NaN;
  bidEndY = NaN;
  askEndY = NaN;
  /** Price distance from the touch drawn on each side. */
  reach = 0;
  bidSteps = 0;
  askSteps = 0;
  /** Rows merged into a neighbour's pixel row. */
  merged = 0;
  draws = 0;
  rebuilds = 0;
}

export class DepthRenderer implements IPrimitivePaneRenderer {
  /** Set by the primitive when the book or the viewport changed. */
  dirty = true;
  readonly geometry = new DepthGeometry();
  private bidPath: Path2D | null = null;
  private askPath: Path2D | null = null;
  private builtFor = '';

  constructor(
    private readonly book: BookModel,
    private readonly style: () => DepthStyle,
    /** Price → y in CSS px, null when the scale cannot place it. */
    private readonly priceToY: (price: number) => number | null,
    /** Height of one ladder row in price (tick × ticks per row). */
    private readonly rowStep: () => number,
  ) {}

  draw(target: RenderTarget): void {
    target.useBitmapCoordinateSpace(({ context: ctx, bitmapSize, horizontalPixelRatio: hpr, verticalPixelRatio: vpr }) => {
      const style = this.style();
      const g = this.geometry;
      g.draws++;
      const book = this.book;
      if (!style.visible || !book.valid || book.bids.count === 0 || book.asks.count === 0) {
        g.drawn = false;
        return;
      }
      const key = `${bitmapSize.width}x${bitmapSize.height}/${style.width}`;
      if (this.dirty || key !== this.builtFor || this.bidPath === null) {
        this.build(bitmapSize.width, hpr, vpr, style.width);
        this.builtFor = key;
        this.dirty = false;
      }
      if (!g.drawn) return;
      const lineWidth = Math.max(1, Math.floor(hpr));
      ctx.lineWidth = lineWidth;
      ctx.lineJoin = 'miter';
      ctx.fillStyle = style.upFill;
      ctx.strokeStyle = style.up;
      ctx.fill(this.bidPath!);
      ctx.stroke(this.bidPath!);
      ctx.fillStyle = style.downFill;
      ctx.strokeStyle = style.down;
      ctx.fill(this.askPath!);
      ctx.stroke(this.askPath!);
    });
  }

  private build(bitmapWidth: number, hpr: number, vpr: number, widthCss: number): void {
    const g = this.geometry;
    const { bids, asks } = this.book;
    g.rebuilds++;
    g.merged = 0;
    const bestBid = bids.price(0);
    const bestAsk = asks.price(0);
    const step = this.rowStep();
    // The same price distance on both sides: as far as the shallower side reaches, plus a row.
    const reach = Math.min(bestBid - bids.price(bids.count - 1), asks.price(asks.count - 1) - bestAsk) + step;
    const bidRows = rowsWithin(bids, bestBid - reach, true);
    const askRows = rowsWithin(asks, bestAsk + reach, false);
    const deepest = Math.max(bids.cumulative(bidRows - 1), asks.cumulative(askRows - 1));
    const lineWidth = Math.max(1, Math.floor(hpr));
    // Keep the right-edge stroke inside the pane so the touch reads in the side's colour.
    const edge = bitmapWidth - lineWidth / 2;
    const scale = deepest > 0 ? (widthCss * hpr) / deepest : 0;
    const bid = this.sidePath(bids, bidRows, bestBid - reach, edge, scale, vpr, true);
    const ask = this.sidePath(asks, askRows, bestAsk + reach, edge, scale, vpr, false);
    if (bid === null || ask === null) {
      g.drawn = false;
      return;
    }
    this.bidPath = bid.path;
    this.askPath = ask.path;
    g.drawn = true;
    g.right = bitmapWidth / hpr;
    g.bidY = bid.topY / vpr;
    g.askY = ask.topY / vpr;
    g.bidEndY = bid.endY / vpr;
    g.askEndY = ask.endY / vpr;
    g.reach = reach;
    g.bidSteps = bid.steps;
    g.askSteps = ask.steps;
  }

  /**
   * One side's closed step curve in bitmap px: from the touch outwards, each step as wide as the
   * cumulative size at the deepest row landing in its pixel row. Bids grow downwards (lower
   * prices), asks upwards.
   */
  private sidePath(
    side: BookSideRows,
    rows: number,
    endPrice: number,
    edge: number,
    scale: number,
    vpr: number,
    isBid: boolean,
  ): { path: Path2D; topY: number; endY: number; steps: number } | null {
    const dir = isBid ? 1 : -1;
    const top = this.pixelRow(side.price(0), vpr);
    const endRow = this.pixelRow(endPrice, vpr);
    if (top === null || endRow === null) return null;
    let end = endRow;
    const path = new Path2D();
    // Half-pixel offsets put horizontal edges on pixel centres (crisp 1 px lines).
    path.moveTo(edge, top + 0.5);
    let groupY = top;
    let cumulative = side.cumulative(0);
    let steps = 0;
    for (let r = 1; r <= rows; r++) {
      const y = r < rows ? this.pixelRow(side.price(r), vpr) : null;
      if (r < rows && (y === null || (y - groupY) * dir < 1)) {
        // Same pixel row as the group (or off-scale): merge into it.
        cumulative = side.cumulative(r);
        this.geometry.merged++;
        continue;
      }
      const nextY: number = r < rows ? y! : Math.max(end * dir, (groupY + dir) * dir) * dir;
      const x = edge - cumulative * scale;
      path.lineTo(x, groupY + 0.5);
      path.lineTo(x, nextY + 0.5);
      steps++;
      if (r < rows) {
        groupY = y!;
        cumulative = side.cumulative(r);
      } else {
        end = nextY;
      }
    }
    path.lineTo(edge, end + 0.5);
    path.closePath();
    return { path, topY: top, endY: end, steps };
  }

  private pixelRow(price: number, vpr: number): number | null {
    const y = this.priceToY(price);
    return y === null ? null : Math.round(y * vpr);
  }
}

/** Rows of `side` (best first) no further from the touch than `limit`. At least one. */
function rowsWithin(side: BookSideRows, limit: number, isBid: boolean): number {
  let n = 1;
  while (n < side.count && (isBid ? side.price(n) >= limit : side.price(n) <= limit)) n++;
  return n;
}
