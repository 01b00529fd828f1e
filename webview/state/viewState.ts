/**
 * What the panel remembers across reloads through `vscodeApi.setState`: the user's choices and
 * where the chart was scrolled. Restored state is untrusted (an older version may have written
 * it), so every field is checked and falls back to its default on its own.
 */
import { INDICATOR_KINDS, type IndicatorKind, type Layers, type MarketId } from '../../src/engine/protocol';
import { PROFILE_MODES, parseFixedProfileRange, type FixedProfileRange, type ProfileMode } from './priceProfile';

/** Where the chart was looking. */
export interface SavedRange {
  /** True when the newest bar was in view: restore by following the live edge. */
  following: boolean;
  /** Bars in view (logical width). */
  bars: number;
  /** Open time (ms) of the bar at the left edge, for a view scrolled into history. */
  fromTime: number;
  /** Bars of space right of the newest bar (following view). */
  rightGap: number;
}

export interface ViewState {
  /** The host's key for the market this panel shows (from the last init): what a reload restores. */
  panel: MarketId | null;
  /** Chosen timeframe, null until the user picks one. */
  timeframe: string | null;
  layers: Layers | null;
  ticksPerRow: number | null;
  /** Indicator kinds the user switched on (true) or off (false); others follow the host. */
  indicators: Partial<Record<IndicatorKind, boolean>>;
  range: SavedRange | null;
  /** Quantity for the market-impact line, in base units. */
  impactQuantity: number;
  /**
   * Tape rows at or above this amount are highlighted; 0 = automatic; null = the host's default
   * (`tape.largeTradeThreshold`), followed until the user sets one in this panel.
   */
  bigTrade: number | null;
  /** The CVD pane counts only big trades (at or above the threshold above). */
  bigCvd: boolean;
  /** Depth overlay width, CSS px, picked in this panel's toolbar; null = the host's default (`depth.overlayWidth`). */
  depthWidth: number | null;
  /** Which bars the volume profile sums (picked in this panel's toolbar). */
  profileMode: ProfileMode;
  /** The bars the fixed-range profile sums (set when the user fixes it; kept while other modes are shown). */
  profileRange: FixedProfileRange | null;
  /** Symbol the saved range belongs to (`exchange:symbol:timeframe`). */
  rangeKey: string;
  /** The user pinned the panel to full frame rate (the host restores it from here after a reload). */
  pinned: boolean;
}

export const DEFAULT_VIEW_STATE: Readonly<ViewState> = {
  panel: null,
  timeframe: null,
  layers: null,
  ticksPerRow: null,
  indicators: {},
  range: null,
  impactQuantity: 1,
  bigTrade: null,
  bigCvd: false,
  depthWidth: null,
  profileMode: 'visible',
  profileRange: null,
  rangeKey: '',
  pinned: false,
};

export const DEPTH_WIDTHS = [80, 140, 200, 280] as const;

/** The restored state, each field checked. O(1). */
export function parseViewState(x: unknown): ViewState {
  const s = { ...DEFAULT_VIEW_STATE, indicators: {} } as ViewState;
  if (typeof x !== 'object' || x === null) return s;
  const o = x as Record<string, unknown>;
  if (typeof o.timeframe === 'string' && o.timeframe.length <= 8) s.timeframe = o.timeframe;
  if (isLayers(o.layers)) s.layers = { volume: o.layers.volume, depth: o.layers.depth, ladder: o.layers.ladder, tape: o.layers.tape, heatmap: o.layers.heatmap === true, footprint: o.layers.footprint === true, profile: o.layers.profile === true };
  if (Number.isInteger(o.ticksPerRow) && (o.ticksPerRow as number) >= 1 && (o.ticksPerRow as number) <= 1_000_000) s.ticksPerRow = o.ticksPerRow as number;
  if (typeof o.indicators === 'object' && o.indicators !== null) {
    for (const kind of INDICATOR_KINDS) {
      const on = (o.indicators as Record<string, unknown>)[kind];
      if (typeof on === 'boolean') s.indicators[kind] = on;
    }
  }
  if (isRange(o.range)) s.range = { following: o.range.following, bars: o.range.bars, fromTime: o.range.fromTime, rightGap: o.range.rightGap };
  if (isPositive(o.impactQuantity)) s.impactQuantity = o.impactQuantity;
  if (typeof o.bigTrade === 'number' && Number.isFinite(o.bigTrade) && o.bigTrade >= 0) s.bigTrade = o.bigTrade;
  if (typeof o.bigCvd === 'boolean') s.bigCvd = o.bigCvd;
  if ((DEPTH_WIDTHS as readonly unknown[]).includes(o.depthWidth)) s.depthWidth = o.depthWidth as number;
  if ((PROFILE_MODES as readonly unknown[]).includes(o.profileMode)) s.profileMode = o.profileMode as ProfileMode;
  s.profileRange = parseFixedProfileRange(o.profileRange);
  // A fixed profile without its range would sum nothing: back to the bars in view.
  if (s.profileMode === 'fixed' && s.profileRange === null) s.profileMode = 'visible';
  if (typeof o.rangeKey === 'string') s.rangeKey = o.rangeKey;
  if (typeof o.pinned === 'boolean') s.pinned = o.pinned;
  const panel = o.panel as Record<string, unknown> | null | undefined;
  if (typeof panel === 'object' && panel !== null && typeof panel.exchange === 'string' && typeof panel.symbol === 'string') {
    s.panel = { exchange: panel.exchange, symbol: panel.symbol };
  }
  return s;
}

function isPositive(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x > 0;
}

function isLayers(x: unknown): x is Layers {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return ['volume', 'depth', 'ladder', 'tape'].every((k) => typeof o[k] === 'boolean');
}

function isRange(x: unknown): x is SavedRange {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as Record<string, unknown>;
  return typeof o.following === 'boolean' && isPositive(o.bars) && [o.fromTime, o.rightGap].every((n) => typeof n === 'number' && Number.isFinite(n));
}
