import { DEFAULT_DISPLAY, type DisplayDefaults, type Layers, type MarketId } from '../protocol';

/** What one panel shows; a plain object merged over {@link DEFAULT_PANEL_SETTINGS}. */
export interface PanelSettings {
  /** The host's key for the panel; null: the market's own exchange and symbol. */
  panel: MarketId | null;
  layers: Layers;
  /** Ticks per ladder row. */
  ticksPerRow: number;
  /** Ladder rows per side (the book window). */
  bookRows: number;
  /** The book window reaches at most this percent of the mid price from it, each side. */
  windowPercent: number;
  /** Bars sent in `init`; older ones are paged in on `loadOlder`. */
  initBars: number;
  /** Bars per `history` page. */
  historyPageBars: number;
  /** Trades in `init` (the tape's length). */
  tapeRows: number;
  /** Order-flow panes sent to the panel (the engine always keeps them). */
  metrics: { imbalance: boolean; cvd: boolean };
  /** Footprint cells in frames (the engine always keeps them); off: frames carry no `footprint`. */
  footprint: boolean;
  /** Liquidity heatmap columns in frames (the engine always keeps them); off: frames carry no `heatmap`. */
  heatmap: boolean;
  /** The CVD pane counts only trades of at least this amount (base units); 0: every trade. */
  cvdMinAmount: number;
  /** The settings' defaults for the panel's own display choices, sent in `init`. */
  display: DisplayDefaults;
}

export const DEFAULT_PANEL_SETTINGS: Readonly<PanelSettings> = {
  panel: null,
  layers: { volume: true, depth: true, ladder: true, tape: true },
  ticksPerRow: 1,
  bookRows: 40,
  windowPercent: 1,
  initBars: 2000,
  historyPageBars: 2000,
  tapeRows: 100,
  metrics: { imbalance: true, cvd: true },
  footprint: false,
  heatmap: false,
  cvdMinAmount: 0,
  display: DEFAULT_DISPLAY,
};
