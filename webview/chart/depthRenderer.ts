/**
 * Draws the depth overlay: cumulative bid and ask step curves against the price axis, hugging
 * the pane's right edge. Geometry is computed in `draw()`, where the price scale is final
 * (`updateAllViews()` only marks it dirty), or by {@link DepthRenderer.rebuildForBook} when the
 * book changed; when neither the book nor the viewport changed the last paths are reused. Both
 * sides reach the same price distance from the touch so their areas compare, levels that land
 * in the same pixel row are merged (every step is at least 1 px tall), rows beyond the pane's
 * top or bottom are clamped to just outside it (they merge into one invisible step), and each
 * side is one path, filled then stroked.
 *
 * A book change repaints the chart only when what this draws would change: the vertices in
 * whole bitmap pixels (an off-pane vertex's x does not show) and the touch prices labelled on
 * the axis. lightweight-charts repaints every pane on a primitive's update request.
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
  /** Set by the primitive when the viewport or the style changed. */
  dirty = true;
  readonly geometry = new DepthGeometry();
  private bidPath: Path2D | null = null;
  private askPath: Path2D | null = null;
  /** Vertices (x, y in bitmap px) of the last build: bids then asks; `bidVertices` pairs are bids. */
  private vertices = new Float64Array(256);
  private vertexCount = 0;
  private bidVertices = 0;
  /** What a paint of the last build shows, quantized; compared by {@link rebuildForBook}. */
  private shown = new Float64Array(256);
  private shownCount = 0;
  private shownChanged = false;
  private pathsBuilt = false;
  private builtFor = '';
  /** The bitmap the last paint drew into (NaN before the first paint). */
  private bitmapWidth = NaN;
  private bitmapHeight = NaN;
  private hpr = 1;
  private vpr = 1;

  constructor(
    private readonly book: BookModel,
    private readonly style: () => DepthStyle,
    /** Price → y in CSS px, null when the scale cannot place it. */
    private readonly priceToY: (price: number) => number | null,
    /** Height of one ladder row in price (tick × ticks per row). */
    private readonly rowStep: () => number,
  ) {}

  /**
   * The book changed: rebuilds the geometry for the last painted bitmap and says whether a paint
   * would show anything different (before the first paint: always). O(rows in the window).
   */
  rebuildForBook(): boolean {
    if (!(this.bitmapWidth > 0)) return true;
    this.build(this.bitmapWidth, this.bitmapHeight, this.hpr, this.vpr, this.style());
    this.dirty = false;
    return this.quantize();
  }

  draw(target: RenderTarget): void {
    target.useBitmapCoordinateSpace(({ context: ctx, bitmapSize, horizontalPixelRatio: hpr, verticalPixelRatio: vpr }) => {
      const style = this.style();
      const g = this.geometry;
      g.draws++;
      const key = `${bitmapSize.width}x${bitmapSize.height}/${hpr}/${vpr}/${style.width}/${style.visible}`;
      if (this.dirty || key !== this.builtFor) {
        this.bitmapWidth = bitmapSize.width;
        this.bitmapHeight = bitmapSize.height;
        this.hpr = hpr;
        this.vpr = vpr;
        this.build(bitmapSize.width, bitmapSize.height, hpr, vpr, style);
        this.quantize();
        this.builtFor = key;
        this.dirty = false;
      }
      if (!g.drawn) return;
      if (!this.pathsBuilt) this.makePaths();
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

  private build(bitmapWidth: number, bitmapHeight: number, hpr: number, vpr: number, style: DepthStyle): void {
    const g = this.geometry;
    const book = this.book;
    this.vertexCount = 0;
    this.bidVertices = 0;
    this.pathsBuilt = false;
    if (!style.visible || !book.valid || book.bids.count === 0 || book.asks.count === 0) {
      g.drawn = false;
      return;
    }
    const { bids, asks } = book;
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
    const scale = deepest > 0 ? (style.width * hpr) / deepest : 0;
    const bid = this.side(bids, bidRows, bestBid - reach, edge, scale, vpr, bitmapHeight, true);
    this.bidVertices = this.vertexCount;
    const ask = bid === null ? null : this.side(asks, askRows, bestAsk + reach, edge, scale, vpr, bitmapHeight, false);
    if (bid === null || ask === null) {
      g.drawn = false;
      this.vertexCount = 0;
      return;
    }
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
   * One side's closed step curve in bitmap px, as vertices: from the touch outwards, each step as
   * wide as the cumulative size at the deepest row landing in its pixel row. Bids grow downwards
   * (lower prices), asks upwards.
   */
  private side(
    side: BookSideRows,
    rows: number,
    endPrice: number,
    edge: number,
    scale: number,
    vpr: number,
    height: number,
    isBid: boolean,
  ): { topY: number; endY: number; steps: number } | null {
    const dir = isBid ? 1 : -1;
    const top = this.pixelRow(side.price(0), vpr, height);
    const endRow = this.pixelRow(endPrice, vpr, height);
    if (top === null || endRow === null) return null;
    let end = endRow;
    this.vertex(edge, top);
    let groupY = top;
    let cumulative = side.cumulative(0);
    let steps = 0;
    for (let r = 1; r <= rows; r++) {
      const y = r < rows ? this.pixelRow(side.price(r), vpr, height) : null;
      if (r < rows && (y === null || (y - groupY) * dir < 1)) {
        // Same pixel row as the group (or off-scale): merge into it.
        cumulative = side.cumulative(r);
        this.geometry.merged++;
        continue;
      }
      const nextY: number = r < rows ? y! : Math.max(end * dir, (groupY + dir) * dir) * dir;
      const x = edge - cumulative * scale;
      this.vertex(x, groupY);
      this.vertex(x, nextY);
      steps++;
      if (r < rows) {
        groupY = y!;
        cumulative = side.cumulative(r);
      } else {
        end = nextY;
      }
    }
    this.vertex(edge, end);
    return { topY: top, endY: end, steps };
  }

  private vertex(x: number, y: number): void {
    if (this.vertexCount * 2 + 2 > this.vertices.length) {
      const grown = new Float64Array(this.vertices.length * 2);
      grown.set(this.vertices);
      this.vertices = grown;
    }
    this.vertices[this.vertexCount * 2] = x;
    this.vertices[this.vertexCount * 2 + 1] = y;
    this.vertexCount++;
  }

  /**
   * Records what a paint of the current build shows (drawn or not, the touch prices, each
   * vertex in whole pixels with an off-pane vertex's x left out) and says whether it differs
   * from the previous record.
   */
  private quantize(): boolean {
    const n = 4 + this.vertexCount * 2;
    if (n > this.shown.length) {
      const grown = new Float64Array(Math.max(n, this.shown.length * 2));
      grown.set(this.shown);
      this.shown = grown;
    }
    this.shownChanged = n !== this.shownCount;
    this.show(0, this.geometry.drawn ? 1 : 0);
    this.show(1, this.bidVertices);
    this.show(2, this.book.bestBid());
    this.show(3, this.book.bestAsk());
    const bottom = this.bitmapHeight;
    for (let v = 0; v < this.vertexCount; v++) {
      const y = this.vertices[v * 2 + 1]!;
      this.show(4 + v * 2, y < 0 || y >= bottom ? 0 : Math.round(this.vertices[v * 2]!));
      this.show(5 + v * 2, y);
    }
    this.shownCount = n;
    return this.shownChanged;
  }

  /** Records value `k` of what is shown, noting a difference (NaN equals NaN: no touch price). */
  private show(k: number, value: number): void {
    const was = this.shown[k]!;
    if (!(was === value || (was !== was && value !== value))) this.shownChanged = true;
    this.shown[k] = value;
  }

  private makePaths(): void {
    this.bidPath = this.path(0, this.bidVertices);
    this.askPath = this.path(this.bidVertices, this.vertexCount);
    this.pathsBuilt = true;
  }

  private path(from: number, to: number): Path2D {
    const path = new Path2D();
    const v = this.vertices;
    // Half-pixel offsets put horizontal edges on pixel centres (crisp 1 px lines).
    path.moveTo(v[from * 2]!, v[from * 2 + 1]! + 0.5);
    for (let k = from + 1; k < to; k++) path.lineTo(v[k * 2]!, v[k * 2 + 1]! + 0.5);
    path.closePath();
    return path;
  }

  /** The bitmap row of `price`, clamped to one row beyond the pane (rows further out merge there). */
  private pixelRow(price: number, vpr: number, height: number): number | null {
    const y = this.priceToY(price);
    return y === null ? null : Math.min(height + 1, Math.max(-1, Math.round(y * vpr)));
  }
}

/** Rows of `side` (best first) no further from the touch than `limit`. At least one. */
function rowsWithin(side: BookSideRows, limit: number, isBid: boolean): number {
  let n = 1;
  while (n < side.count && (isBid ? side.price(n) >= limit : side.price(n) <= limit)) n++;
  return n;
}
