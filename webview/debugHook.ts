/**
 * `window.__orderscope`: a read-only view of what the panel shows, for tests, benchmarks and a
 * person in the webview's developer tools. It reads the chart's series data, the ladder's and
 * tape's cells and the badge; it changes nothing and exposes nothing the panel does not show.
 */
import type { PanelApp } from './panelApp';

export interface DebugHook {
  /** A plain-data picture of the panel. */
  snapshot(): Record<string, unknown>;
  /** RGBA of the composited chart (panes, axes, overlay) at CSS-pixel points of the chart element. */
  chartPixels(points: readonly [number, number][]): number[][];
}

export function installDebugHook(win: Window, app: PanelApp): void {
  const hook: DebugHook = {
    snapshot: () => {
      const model = app.model;
      const book = model.book;
      const rows = (side: typeof book.bids): number[][] => Array.from({ length: side.count }, (_, r) => [side.price(r), side.size(r), side.cumulative(r)]);
      const badge = app.toolbar.badge.root;
      return {
        generation: model.generation,
        framesApplied: model.framesApplied,
        historyPages: model.historyPages,
        hasOlder: model.hasOlder,
        market: model.market,
        timeframe: model.timeframe,
        dropped: app.dropped,
        lastDropReason: app.lastDropReason,
        renderErrors: app.renderErrors,
        /** Animation frames our loop ran, acks posted (and of them, those sent without a draw). */
        draws: app.loop.draws,
        acks: app.loop.acks,
        acksWithoutDraw: app.loop.acksWithoutDraw,
        lastRenderMs: app.loop.lastRenderMs,
        /** Draws that rewrote the ladder's and the tape's rows. */
        ladderDraws: app.ladder.draws,
        tapeDraws: app.tape.draws,
        pace: { ...model.pace, version: model.paceVersion, marks: app.ladder.marks },
        intents: { ...app.intents },
        viewState: structuredClone(app.viewState()),
        modelBars: model.bars.length,
        book: { valid: book.valid, ticksPerRow: book.ticksPerRow, bids: rows(book.bids), asks: rows(book.asks) },
        ladder: app.ladder.shown(),
        alerts: app.alerts.describe(),
        tape: app.tape.shown(),
        /** Big trades on the candles (threshold, held, drawn, each with where it is drawn) and the sounds played. */
        tradeMarks: app.marks.describe(),
        /** The liquidity heatmap: columns held (the oldest one's time, the newest one's end), what the last paint showed, repaints it asked for. */
        heatmap: { held: model.heatmap.count, first: model.heatmap.count > 0 ? model.heatmap.time(0) : null, end: model.heatmap.count > 0 ? model.heatmap.time(model.heatmap.count - 1) + model.heatmap.span(model.heatmap.count - 1) : null, ...app.heatmap.renderer.geometry, requests: app.heatmap.updateRequests },
        /** The footprint: bars held, what the last paint showed, repaints it asked for. */
        footprint: { held: model.footprint.size, ...app.footprint.renderer.geometry, requests: app.footprint.updateRequests, barSpacing: app.chart.chart.timeScale().options().barSpacing },
        /** The volume profile: what it sums (bars, rows, POC, value area), what the last paint drew, repaints it asked for. */
        profile: { ...app.profile.renderer.geometry, ...app.profile.renderer.shown(), requests: app.profile.updateRequests },
        sound: app.sound.describe(),
        badge: { text: badge.textContent, className: badge.className, title: badge.title },
        /** The in-panel message of a market the host could not open ('' when none). */
        openFailure: app.openFailure.text(),
        /** The layout the panel's width gives, and the toolbar's controls moved into its "⋯" menu. */
        layout: { mode: app.layout.mode(), tab: app.layout.tab, overflow: app.toolbarOverflow.moved() },
        ...app.chart.describe(),
      };
    },
    chartPixels: (points) => {
      const canvas = app.chart.chart.takeScreenshot();
      const ctx = canvas.getContext('2d')!;
      const ratio = win.devicePixelRatio;
      return points.map(([x, y]) => Array.from(ctx.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data));
    },
  };
  Object.defineProperty(win, '__orderscope', { value: Object.freeze(hook), writable: false, configurable: false });
}
