/**
 * The host ⇄ webview protocol: the only contract between the extension host and the panel.
 * Both sides import this file. Every message carries `v` (the protocol version); numbers travel
 * packed in Float64Arrays (VS Code transfers typed arrays without JSON-encoding each number).
 * Both sides validate every message with the functions below and drop (and count) anything else.
 */

import type { MarketId } from './marketId';
import { INDICATOR_KINDS, type IndicatorKind } from './indicators/indicatorCatalog';

export const PROTOCOL_VERSION = 1;

/** The timeframes a panel may ask for (`setTimeframe`); the engine's own list. */
export { TIMEFRAMES, TIMEFRAME_MS, CHART_TIMEFRAMES, activityRule } from './candles/timeframe';

// ── Packed layouts ────────────────────────────────────────────────────────────────────────────

/** Bars: rows of BAR_STRIDE numbers: open time (ms, UTC), open, high, low, close, volume. */
export const BAR_STRIDE = 6;
/** Book rows: price, size, cumulative size from the best. Index 0 = best. */
export const BOOK_STRIDE = 3;
/** Trades: time (ms), price, amount, side (+1 taker buy, -1 taker sell). Oldest first. */
export const TRADE_STRIDE = 4;
/**
 * Footprint cells: bar open time (ms), price (one tick per cell, as the exchange writes it),
 * taker-buy amount, taker-sell amount. The amounts are the cell's totals, not increments.
 */
export const FOOTPRINT_CELL_STRIDE = 4;
/**
 * Heatmap cells: column open time (ms), row price (the row's bucket edge at the panel's grouping,
 * as the ladder prices its rows), resting size in the row when the column's slice closed.
 */
export const HEATMAP_CELL_STRIDE = 3;

/** Chart layers a user toggles. */
export interface Layers {
  volume: boolean;
  depth: boolean;
  ladder: boolean;
  tape: boolean;
  /** Liquidity heatmap behind the candles; absent (a host or a saved state from before it): off. */
  heatmap?: boolean;
  /** Footprint cells in bars wide enough to read; absent: off. */
  footprint?: boolean;
  /** Volume profile on the price-axis side (summed footprint cells); absent: off. */
  profile?: boolean;
}

/** The indicators a panel offers and how it draws them (pure data; see indicatorCatalog.ts). */
export {
  INDICATOR_CATALOG,
  INDICATOR_KINDS,
  declarationOf,
  type IndicatorKind,
  type IndicatorPlacement,
  type OutputStyle,
  type ValueFormat,
} from './indicators/indicatorCatalog';

/**
 * One indicator's values. `times` holds the bar open times; `values` holds
 * `outputs.length × times.length` numbers, output-major (all of output 0, then output 1, ...),
 * NaN where undefined (warm-up).
 */
export interface IndicatorSeriesData {
  /** Stable id, e.g. `ema:21`. */
  id: string;
  /** Also says how to draw it: see the catalog's `draw`. */
  kind: IndicatorKind;
  /** Output names, e.g. ['macd', 'signal', 'histogram']; OHLC metrics use ['open','high','low','close']. */
  outputs: string[];
  /** Bars needed before every output is defined (1: from the first bar); a pane with fewer says so. */
  warmupBars: number;
  times: Float64Array;
  values: Float64Array;
}

/** Facts about the market that shape formatting and grouping. */
export interface MarketFacts {
  exchange: string;
  symbol: string;
  tickSize: number;
  /** Decimals to show for prices and amounts. */
  pricePrecision: number;
  amountPrecision: number;
}

/** `finished`: a replay played to the end of its recording (the book and chart stay as they ended). */
export const CONNECTION_STATES = ['connecting', 'live', 'stale', 'reconnecting', 'resyncing', 'replay', 'paused', 'finished', 'error', 'closed'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/** What the status badge shows. */
export interface StatusInfo {
  state: ConnectionState;
  /** Human text: "stale 12 s", "reconnecting (attempt 3, next in 4 s)", the error message. */
  detail: string;
  /** Age of the last message in ms (stale), replay speed (replay), else 0. */
  value: number;
  /** The footprint backfill of the bars before the live session: while it runs, or after it failed; absent otherwise. */
  backfill?: BackfillProgress;
}

/** How far the footprint backfill got (the status detail says the same in words). */
export interface BackfillProgress {
  /** Share of its bars done, 0..1. */
  done: number;
  /** Why it stopped; '' while it runs. */
  failure: string;
}

/**
 * True when a market in `state` may show its book as the exchange's: the ladder and the depth
 * overlay show no book while the badge says the market is not there (connecting, reconnecting,
 * resyncing, error, closed), so the two can never disagree. O(1).
 */
export function statusShowsBook(state: ConnectionState): boolean {
  return state === 'live' || state === 'stale' || state === 'replay' || state === 'paused' || state === 'finished';
}

/**
 * True when two statuses show the same badge, text, tooltip and backfill progress: the one equality every view uses
 * (producers round a stale age to whole seconds, so it moves once a second). O(detail length).
 */
export function sameStatus(a: StatusInfo, b: StatusInfo | null | undefined): boolean {
  return b !== null && b !== undefined && a.state === b.state && a.detail === b.detail && a.value === b.value && a.backfill?.done === b.backfill?.done && a.backfill?.failure === b.backfill?.failure;
}

/**
 * The book's own levels nearest the touch (BOOK_STRIDE rows per side, best first, at most the
 * window's row count): what the spread, the market impact and the best bid/ask come from while
 * the ladder shows grouped rows (a grouped row's price is its bucket's edge, not a level's).
 */
export interface RawLevels {
  bids: Float64Array;
  asks: Float64Array;
}

/** The book window the panel shows: grouped rows, best first. */
export interface BookWindow {
  /** Ticks per ladder row (grouping). */
  ticksPerRow: number;
  bids: Float64Array;
  asks: Float64Array;
  /** False while the book is resyncing: the panel must not show it as the exchange's book. */
  valid: boolean;
  /** The raw levels; null at one tick per row, where the rows are the raw levels. */
  raw: RawLevels | null;
}

/** Changes of both sides of a window: whole sides, or only the rows that changed (as {@link BookWindowDiff}). */
export interface SidesDiff {
  mode: 'full' | 'rows';
  bids: Float64Array;
  asks: Float64Array;
  bidCount: number;
  askCount: number;
}

/** Book window changes: whole sides, or only the rows that changed. */
export interface BookWindowDiff {
  ticksPerRow: number;
  valid: boolean;
  /** 'full': `bids`/`asks` are the whole window. 'rows': (index, price, size, cumulative) quadruples. */
  mode: 'full' | 'rows';
  bids: Float64Array;
  asks: Float64Array;
  /** Row counts of the window after applying (rows mode truncates/extends to these). */
  bidCount: number;
  askCount: number;
  /** The raw levels' changes; null at one tick per row, where the rows are the raw levels. */
  raw: SidesDiff | null;
}

export interface FrameStats {
  /** Events the engine processed since the previous frame. */
  events: number;
  /** Inputs the engine refused so far. */
  rejected: number;
  /** Host time to build this frame, ms. */
  buildMs: number;
}

// ── Host → webview ────────────────────────────────────────────────────────────────────────────

/**
 * Which market a panel shows, as the host names it (a replay: exchange `replay`, symbol its path):
 * the one market identity type (marketId.ts).
 */
export type { MarketId } from './marketId';

/**
 * The settings' defaults for choices the panel also offers itself (the toolbar's overlay width,
 * the tape's threshold): the panel follows these until the user makes the choice in it.
 */
export interface DisplayDefaults {
  /** Depth overlay width, CSS px (`orderscope.depth.overlayWidth`). */
  depthOverlayWidth: number;
  /** The tape highlights trades of at least this amount, base units; 0: automatic (`orderscope.tape.largeTradeThreshold`). */
  largeTradeThreshold: number;
  /** What a footprint cell shows (`orderscope.footprint.display`). */
  footprintDisplay: FootprintDisplay;
  /** A diagonal imbalance: one side at least this many times the other (`orderscope.footprint.imbalanceRatio`). */
  imbalanceRatio: number;
  /** The volume profile's value area holds this percent of its volume (`orderscope.profile.valueAreaPercent`). */
  valueAreaPercent: number;
}

/** A footprint cell as "sell × buy" (bid × ask), as buy − sell, or as their sum. */
export type FootprintDisplay = 'bidAsk' | 'delta' | 'total';
export const FOOTPRINT_DISPLAYS: readonly FootprintDisplay[] = ['bidAsk', 'delta', 'total'];
/** The bounds both sides accept for the imbalance ratio and the value area. */
export const MIN_IMBALANCE_RATIO = 1.1;
export const MAX_IMBALANCE_RATIO = 100;
export const MIN_VALUE_AREA_PERCENT = 10;
export const MAX_VALUE_AREA_PERCENT = 100;

/** What a panel shows before (or without) the host's settings. */
export const DEFAULT_DISPLAY: Readonly<DisplayDefaults> = {
  depthOverlayWidth: 140,
  largeTradeThreshold: 0,
  footprintDisplay: 'bidAsk',
  imbalanceRatio: 3,
  valueAreaPercent: 70,
};

/** The widest depth overlay a panel is told to draw, CSS px. */
export const MAX_DEPTH_OVERLAY_WIDTH = 1000;

export interface InitMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'init';
  /** The host's key for this panel; the webview saves it so a reload restores the same market. */
  panel: MarketId;
  market: MarketFacts;
  timeframe: string;
  layers: Layers;
  /** All held bars, oldest first (BAR_STRIDE per bar). */
  bars: Float64Array;
  /** True when older bars exist that can be paged in. */
  hasOlder: boolean;
  /** Why no older bar can be paged in (null while `hasOlder`): see {@link HistoryEnd}. */
  historyEnd: HistoryEnd | null;
  indicators: IndicatorSeriesData[];
  book: BookWindow;
  trades: Float64Array;
  status: StatusInfo;
  display: DisplayDefaults;
}

export interface FrameMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'frame';
  /** Increasing per panel; the webview acks it. */
  id: number;
  /** Changed and appended bars (BAR_STRIDE per bar), oldest first; empty when none. */
  bars: Float64Array;
  /** Per indicator: values for the bars from `times[0]` on (same layout as init). */
  indicators: IndicatorSeriesData[];
  book: BookWindowDiff | null;
  /** New trades, oldest first. */
  trades: Float64Array;
  status: StatusInfo | null;
  stats: FrameStats;
  /** Footprint changes: present only while the panel's footprint layer is on. */
  footprint?: FootprintDiff;
  /** New heatmap columns: present only while the panel's heatmap layer is on and a column closed. */
  heatmap?: HeatmapDiff;
}

/**
 * Liquidity heatmap columns (historical depth) the panel does not hold yet: one column per time
 * slice, each sent once, when its slice has closed (a closed column never changes). A column
 * listed in `gaps` had no book (awaiting a snapshot, resyncing, disconnected): drawn as a gap,
 * never as the book before it.
 */
export interface HeatmapDiff {
  /** Drop every column held before applying (the layer was turned on, a new init, a new grouping). */
  reset: boolean;
  /** Duration of one column, ms. */
  sliceMs: number;
  /** Price step between rows: the tick × the panel's ticks per row. */
  rowStep: number;
  /** Open times of the columns carried, ascending. */
  columns: Float64Array;
  /** Open times of those columns that are gaps. */
  gaps: Float64Array;
  /** The rows that hold size (HEATMAP_CELL_STRIDE per cell), columns ascending, prices ascending within one. */
  cells: Float64Array;
  /**
   * The first `history` columns (a reset's, before its newest) are averages over `historySpanMs`
   * each (a bar's time), the last one cut where the next column opens; the others span `sliceMs`.
   */
  history: number;
  historySpanMs: number;
}

/** Most heatmap columns one frame carries (a reset sends at most this many of the newest). */
export const MAX_HEATMAP_COLUMNS = 3600;
/** Longest heatmap column, ms (a day). */
const MAX_HEATMAP_SLICE_MS = 86_400_000;

/**
 * The footprint cells that changed. A bar without cells has no footprint (its trades were never
 * seen here, e.g. bars from the exchange's history): the panel draws its candle, not empty cells.
 */
export interface FootprintDiff {
  /** Drop every cell held before applying (the layer was turned on, or a new init). */
  reset: boolean;
  /** Changed cells (FOOTPRINT_CELL_STRIDE per cell), bars oldest first, prices ascending; the panel groups them by its step. */
  cells: Float64Array;
  /** Open times of the bars in `cells` whose footprint lacks part of the candle's volume (trades before the session, history merged over it). */
  partialBars: Float64Array;
}

/**
 * Why scrolling back shows no older bar: `source` — the source has none (the exchange's or the
 * recording's first bar, the simulation's generated past); `memory` — the host holds as many
 * bars as it keeps (the engine's candle capacity) and pages in no more.
 */
export const HISTORY_ENDS = ['source', 'memory'] as const;
export type HistoryEnd = (typeof HISTORY_ENDS)[number];

/** Older bars, in answer to `loadOlder`. */
export interface HistoryMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'history';
  bars: Float64Array;
  indicators: IndicatorSeriesData[];
  hasOlder: boolean;
  /** Why no older bar can be paged in (null while `hasOlder`). */
  historyEnd: HistoryEnd | null;
  /**
   * Why this page is empty although older bars may exist: the request to the source failed
   * (shown to the user; scrolling back again retries). Null when it did not fail.
   */
  failed: string | null;
}

/**
 * How fast the host sends this panel frames, and why: sent after every `init` and whenever it
 * changes. The webview shows a slowed panel as such (never silently behind) and spends less while
 * not watched (no row flashes); `saving: false` is the old behaviour, everything drawn at full rate.
 */
export interface PaceMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'pace';
  /** The frame-rate cap in force now (frames/s). */
  fps: number;
  /** The panel is the active editor of a focused window. */
  watched: boolean;
  /** The user pinned this panel to the full rate. */
  pinned: boolean;
  /** Power saving on (`orderscope.chart.powerSaving`): draw only what changed, follow attention. */
  saving: boolean;
}

/**
 * The panel's market cannot be opened (an unknown symbol or exchange, refused by the source): sent
 * instead of an `init` when the session fails before any market exists (and again on a `ready`).
 * The panel names the market and the reason and offers to switch symbol.
 */
export interface OpenFailedMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'openFailed';
  market: MarketId;
  /** Why, for a person (at most MAX_OPEN_FAILURE characters). */
  detail: string;
}

/** Longest reason an `openFailed` carries. */
export const MAX_OPEN_FAILURE = 500;

/** A price alert as a chart draws it: a line at `price`, firing when the price crosses it in `direction`. */
export interface ChartAlert {
  /** The host's id (at most MAX_ALERT_ID characters). */
  id: string;
  price: number;
  direction: 'above' | 'below';
}

/** The price alerts of the panel's market: sent after every `init` and whenever they change. */
export interface AlertsMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'alerts';
  alerts: ChartAlert[];
}

/** Most alerts one panel is sent (and draws). */
export const MAX_CHART_ALERTS = 200;
/** Longest alert id either side accepts. */
export const MAX_ALERT_ID = 64;

/**
 * Where the replay a panel shows stands: sent while its market is a replay (exchange `replay`), on
 * every change of its status and about twice a second while playing. Times are exchange ms; null
 * when not known yet (before the first item; the end until it is extrapolated).
 */
export interface ReplayMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'replay';
  /** Exchange time the replay stands at. */
  time: number | null;
  /** The recording's first time. */
  start: number | null;
  /** Where it ends: exact once finished, else estimated from the part read. */
  end: number | null;
  /** Market ms per wall ms; 0: as fast as possible. */
  speed: number;
  paused: boolean;
  /** Playing fast to a time jumped to. */
  seeking: boolean;
  finished: boolean;
}

/**
 * The sound settings (`orderscope.sound.*`): sent after every `init` and whenever they change. The
 * panel plays its sounds itself (WebAudio), only while it is visible.
 */
export interface SoundMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'sound';
  /** A tick for each trade at or above the panel's trade-size threshold. */
  bigTrades: boolean;
  /** A chime when a price alert fires (the host sends `alertSound`). */
  alerts: boolean;
  /** 0 (silent) to 1. */
  volume: number;
}

/** A price alert fired: the panel chimes (rising for `above`, falling for `below`) if alert sounds are on. */
export interface AlertSoundMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'alertSound';
  direction: 'above' | 'below';
}

export type HostMessage = InitMessage | FrameMessage | HistoryMessage | PaceMessage | OpenFailedMessage | AlertsMessage | ReplayMessage | SoundMessage | AlertSoundMessage;

// ── Webview → host ────────────────────────────────────────────────────────────────────────────

export interface ReadyMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'ready';
}
export interface AckMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'ack';
  id: number;
  /** Time the webview spent applying and drawing the frame, ms. */
  renderMs: number;
}
export interface SetTimeframeIntent {
  v: typeof PROTOCOL_VERSION;
  type: 'setTimeframe';
  timeframe: string;
}
export interface SetLayerIntent {
  v: typeof PROTOCOL_VERSION;
  type: 'setLayer';
  layer: keyof Layers;
  on: boolean;
}
export interface SetGroupingIntent {
  v: typeof PROTOCOL_VERSION;
  type: 'setGrouping';
  ticksPerRow: number;
}
export interface SetIndicatorIntent {
  v: typeof PROTOCOL_VERSION;
  type: 'setIndicator';
  kind: IndicatorKind;
  on: boolean;
}
export interface LoadOlderIntent {
  v: typeof PROTOCOL_VERSION;
  type: 'loadOlder';
  /** Open time of the oldest bar the webview holds. */
  before: number;
}
export interface OpenSymbolPickerIntent {
  v: typeof PROTOCOL_VERSION;
  type: 'openSymbolPicker';
}

/** Pins this panel to the full frame rate while it is not watched (or unpins it). */
export interface SetPinnedIntent {
  v: typeof PROTOCOL_VERSION;
  type: 'setPinned';
  pinned: boolean;
}

/** Asks for a price alert on the panel's market at `price` (its direction from the last price). */
export interface AddAlertIntent {
  v: typeof PROTOCOL_VERSION;
  type: 'addAlert';
  price: number;
}
/** Moves an alert of the panel's market to `price` (dragged on the chart). */
export interface MoveAlertIntent {
  v: typeof PROTOCOL_VERSION;
  type: 'moveAlert';
  id: string;
  price: number;
}
/** Removes an alert of the panel's market. */
export interface RemoveAlertIntent {
  v: typeof PROTOCOL_VERSION;
  type: 'removeAlert';
  id: string;
}

/**
 * Controls the panel's replay: pause, resume, a speed (`value`: market ms per wall ms, 0: as fast
 * as possible) or a jump (`value`: exchange ms). `value` is 0 for pause and resume.
 */
export interface ReplayControlIntent {
  v: typeof PROTOCOL_VERSION;
  type: 'replayControl';
  action: ReplayAction;
  value: number;
}

/**
 * The CVD pane counts only trades of at least `amount` (base units; the panel's trade-size
 * threshold, resolved there when automatic); 0: every trade.
 */
export interface SetCvdMinAmountIntent {
  v: typeof PROTOCOL_VERSION;
  type: 'setCvdMinAmount';
  amount: number;
}
/** The largest trade-size threshold either side accepts (the `tape.largeTradeThreshold` setting's bound). */
export const MAX_TRADE_SIZE = 1e12;

export const REPLAY_ACTIONS = ['pause', 'resume', 'speed', 'seek'] as const;
export type ReplayAction = (typeof REPLAY_ACTIONS)[number];
/** Fastest finite replay speed a panel may ask for (market ms per wall ms). */
export const MAX_REPLAY_SPEED = 100_000;
/** The speeds offered for a replay (toolbar and command), market ms per wall ms; 0: as fast as possible. */
export const REPLAY_SPEEDS: readonly number[] = [0.5, 1, 2, 5, 10, 100, 1000, 0];

export type WebviewMessage =
  | SetCvdMinAmountIntent
  | ReplayControlIntent
  | AddAlertIntent
  | MoveAlertIntent
  | RemoveAlertIntent
  | SetPinnedIntent
  | ReadyMessage
  | AckMessage
  | SetTimeframeIntent
  | SetLayerIntent
  | SetGroupingIntent
  | SetIndicatorIntent
  | LoadOlderIntent
  | OpenSymbolPickerIntent;

// ── Validation ────────────────────────────────────────────────────────────────────────────────

/** Why a message was dropped. */
export class ProtocolError {
  constructor(readonly reason: string) {}
}

/**
 * Bounds on what one message may hold, so a hostile or broken peer cannot make the other side
 * allocate or loop without end: ladder rows per side, packed rows (bars, trades, indicator
 * times), indicator series and their outputs, ticks per ladder row.
 */
export const MAX_BOOK_ROWS = 10_000;
export const MAX_PACKED_ROWS = 1_000_000;
export const MAX_INDICATOR_SERIES = 64;
export const MAX_INDICATOR_OUTPUTS = 8;
export const MAX_TICKS_PER_ROW = 1_000_000;
/** The highest frame rate a pace may name (the `chart.maxFps` setting's own bound). */
export const MAX_FPS = 60;

/** A field of a message threw when read (a getter, a proxy): the message is dropped as a whole. */
const UNREADABLE = 'unreadable message (reading a field threw)';

type Obj = Record<string, unknown>;
const LAYER_KEYS = ['volume', 'depth', 'ladder', 'tape'] as const;
/** Layers off unless present (see {@link Layers}). */
const OPTIONAL_LAYER_KEYS = ['heatmap', 'footprint', 'profile'] as const;

/** A value for a drop reason: never throws, never long. */
function shown(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint' || x === undefined) return String(x);
  return x === null ? 'null' : `(${typeof x})`;
}
function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
/** A genuine Float64Array (not a proxy, no forged length) of whole rows, at most MAX_PACKED_ROWS. */
function isF64(x: unknown, stride: number, maxRows = MAX_PACKED_ROWS): x is Float64Array {
  return (
    ArrayBuffer.isView(x) &&
    Object.getPrototypeOf(x) === Float64Array.prototype &&
    !Object.prototype.hasOwnProperty.call(x, 'length') &&
    (x as Float64Array).length % stride === 0 &&
    (x as Float64Array).length <= maxRows * stride
  );
}
function isCount(x: unknown, max: number): x is number {
  return Number.isInteger(x) && (x as number) >= 0 && (x as number) <= max;
}
function isFiniteNum(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}
function isBool(x: unknown): x is boolean {
  return typeof x === 'boolean';
}
function isStr(x: unknown): x is string {
  return typeof x === 'string';
}

function checkLayers(x: unknown): string | null {
  if (!isObj(x)) return 'layers is not an object';
  for (const k of LAYER_KEYS) if (!isBool(x[k])) return `layers.${k} is not a boolean`;
  for (const k of OPTIONAL_LAYER_KEYS) if (x[k] !== undefined && !isBool(x[k])) return `layers.${k} is not a boolean`;
  return null;
}
function checkStatus(x: unknown): string | null {
  if (!isObj(x)) return 'status is not an object';
  const state = x.state;
  if (!(CONNECTION_STATES as readonly unknown[]).includes(state)) return `status.state ${shown(state)} is unknown`;
  if (!isStr(x.detail)) return 'status.detail is not a string';
  if (!isFiniteNum(x.value)) return 'status.value is not a number';
  if (x.backfill !== undefined) {
    if (!isObj(x.backfill)) return 'status.backfill is not an object';
    const { done, failure } = x.backfill;
    if (!isFiniteNum(done) || done < 0 || done > 1) return 'status.backfill.done is not a number from 0 to 1';
    if (!isStr(failure)) return 'status.backfill.failure is not a string';
  }
  return null;
}
/** The longest warm-up an indicator declares (MACD's slowest slow + signal periods). */
const MAX_WARMUP_BARS = 100_000;
function checkIndicators(x: unknown): string | null {
  if (!Array.isArray(x)) return 'indicators is not an array';
  if (x.length > MAX_INDICATOR_SERIES) return `more than ${MAX_INDICATOR_SERIES} indicator series`;
  for (let i = 0; i < x.length; i++) {
    const s: unknown = x[i];
    if (!isObj(s) || !isStr(s.id)) return 'indicator without id';
    if (!(INDICATOR_KINDS as readonly unknown[]).includes(s.kind)) return `indicator ${s.id}: unknown kind`;
    if (!Array.isArray(s.outputs) || s.outputs.length === 0 || s.outputs.length > MAX_INDICATOR_OUTPUTS || !s.outputs.every(isStr)) return `indicator ${s.id}: bad outputs`;
    if (!isCount(s.warmupBars, MAX_WARMUP_BARS) || s.warmupBars < 1) return `indicator ${s.id}: warmupBars is not a whole number from 1 to ${MAX_WARMUP_BARS}`;
    if (!isF64(s.times, 1) || !isF64(s.values, 1, MAX_PACKED_ROWS * MAX_INDICATOR_OUTPUTS)) return `indicator ${s.id}: not packed`;
    if (s.values.length !== s.times.length * s.outputs.length) return `indicator ${s.id}: values do not match times`;
  }
  return null;
}
function checkDisplay(x: unknown): string | null {
  if (!isObj(x)) return 'display is not an object';
  if (!isCount(x.depthOverlayWidth, MAX_DEPTH_OVERLAY_WIDTH) || x.depthOverlayWidth === 0) return `display.depthOverlayWidth is not a whole number from 1 to ${MAX_DEPTH_OVERLAY_WIDTH}`;
  if (!isFiniteNum(x.largeTradeThreshold) || x.largeTradeThreshold < 0) return 'display.largeTradeThreshold is not a number ≥ 0';
  if (!(FOOTPRINT_DISPLAYS as readonly unknown[]).includes(x.footprintDisplay)) return `display.footprintDisplay is not one of ${FOOTPRINT_DISPLAYS.join(', ')}`;
  if (!isFiniteNum(x.imbalanceRatio) || x.imbalanceRatio < MIN_IMBALANCE_RATIO || x.imbalanceRatio > MAX_IMBALANCE_RATIO) return `display.imbalanceRatio is not a number from ${MIN_IMBALANCE_RATIO} to ${MAX_IMBALANCE_RATIO}`;
  if (!isFiniteNum(x.valueAreaPercent) || x.valueAreaPercent < MIN_VALUE_AREA_PERCENT || x.valueAreaPercent > MAX_VALUE_AREA_PERCENT) return `display.valueAreaPercent is not a number from ${MIN_VALUE_AREA_PERCENT} to ${MAX_VALUE_AREA_PERCENT}`;
  return null;
}
function checkMarket(x: unknown): string | null {
  if (!isObj(x)) return 'market is not an object';
  if (!isStr(x.exchange) || !isStr(x.symbol)) return 'market exchange/symbol missing';
  if (!isFiniteNum(x.tickSize) || x.tickSize <= 0) return 'market.tickSize is not positive';
  if (!Number.isInteger(x.pricePrecision) || !Number.isInteger(x.amountPrecision)) return 'market precision is not an integer';
  return null;
}

/**
 * Validates a message arriving in the webview. Never throws, whatever `x` is (a getter or proxy
 * that throws makes it a drop). O(size of the metadata); no number is copied.
 */
export function parseHostMessage(x: unknown): HostMessage | ProtocolError {
  try {
    return readHostMessage(x);
  } catch {
    return new ProtocolError(UNREADABLE);
  }
}

function readHostMessage(x: unknown): HostMessage | ProtocolError {
  if (!isObj(x)) return new ProtocolError('not an object');
  const v = x.v;
  if (v !== PROTOCOL_VERSION) return new ProtocolError(`protocol version ${shown(v)} is not ${PROTOCOL_VERSION}`);
  const type = x.type;
  let problem: string | null = null;
  switch (type) {
    case 'init': {
      problem =
        (isObj(x.panel) && isStr(x.panel.exchange) && isStr(x.panel.symbol) ? null : 'panel key missing') ??
        checkMarket(x.market) ??
        (isStr(x.timeframe) ? null : 'timeframe missing') ??
        checkLayers(x.layers) ??
        (isF64(x.bars, BAR_STRIDE) ? null : 'bars not packed') ??
        (isBool(x.hasOlder) ? null : 'hasOlder missing') ??
        checkHistoryEnd(x.historyEnd) ??
        checkIndicators(x.indicators) ??
        checkBookWindow(x.book) ??
        (isF64(x.trades, TRADE_STRIDE) ? null : 'trades not packed') ??
        checkStatus(x.status) ??
        checkDisplay(x.display);
      break;
    }
    case 'frame': {
      problem =
        (Number.isSafeInteger(x.id) ? null : 'frame id missing') ??
        (isF64(x.bars, BAR_STRIDE) ? null : 'bars not packed') ??
        checkIndicators(x.indicators) ??
        (x.book === null ? null : checkBookDiff(x.book)) ??
        (isF64(x.trades, TRADE_STRIDE) ? null : 'trades not packed') ??
        (x.status === null ? null : checkStatus(x.status)) ??
        (isObj(x.stats) && isFiniteNum(x.stats.events) && isFiniteNum(x.stats.rejected) && isFiniteNum(x.stats.buildMs) ? null : 'stats missing') ??
        (x.footprint === undefined ? null : checkFootprintDiff(x.footprint)) ??
        (x.heatmap === undefined ? null : checkHeatmapDiff(x.heatmap));
      break;
    }
    case 'alerts': {
      problem = checkAlerts(x.alerts);
      break;
    }
    case 'pace': {
      problem =
        (isFiniteNum(x.fps) && x.fps > 0 && x.fps <= MAX_FPS ? null : `fps is not a number from 0 to ${MAX_FPS}`) ??
        (isBool(x.watched) && isBool(x.pinned) && isBool(x.saving) ? null : 'watched, pinned or saving is not a boolean');
      break;
    }
    case 'history': {
      problem =
        (isF64(x.bars, BAR_STRIDE) ? null : 'bars not packed') ??
        checkIndicators(x.indicators) ??
        (isBool(x.hasOlder) ? null : 'hasOlder missing') ??
        checkHistoryEnd(x.historyEnd) ??
        (x.failed === null || (isStr(x.failed) && x.failed.length <= MAX_HISTORY_FAILURE) ? null : `failed is not null or a string of at most ${MAX_HISTORY_FAILURE} characters`);
      break;
    }
    case 'replay': {
      const time = (t: unknown): boolean => t === null || isFiniteNum(t);
      problem =
        (time(x.time) && time(x.start) && time(x.end) ? null : 'time, start or end is not null or a number') ??
        (isFiniteNum(x.speed) && x.speed >= 0 ? null : 'speed is not a number ≥ 0') ??
        (isBool(x.paused) && isBool(x.seeking) && isBool(x.finished) ? null : 'paused, seeking or finished is not a boolean');
      break;
    }
    case 'sound': {
      problem =
        (isBool(x.bigTrades) && isBool(x.alerts) ? null : 'bigTrades or alerts is not a boolean') ??
        (isFiniteNum(x.volume) && x.volume >= 0 && x.volume <= 1 ? null : 'volume is not a number from 0 to 1');
      break;
    }
    case 'alertSound': {
      problem = x.direction === 'above' || x.direction === 'below' ? null : 'direction is not above or below';
      break;
    }
    case 'openFailed': {
      problem =
        (isObj(x.market) && isStr(x.market.exchange) && isStr(x.market.symbol) ? null : 'market exchange/symbol missing') ??
        (isStr(x.detail) && x.detail.length <= MAX_OPEN_FAILURE ? null : `detail is not a string of at most ${MAX_OPEN_FAILURE} characters`);
      break;
    }
    default:
      return new ProtocolError(`unknown message type ${shown(type)}`);
  }
  return problem === null ? (x as unknown as HostMessage) : new ProtocolError(`${type}: ${problem}`);
}

/** Longest failure reason a history page carries (a message for a person, not a dump). */
const MAX_HISTORY_FAILURE = 500;

function isAlertId(x: unknown): x is string {
  return isStr(x) && x.length > 0 && x.length <= MAX_ALERT_ID;
}
function isPrice(x: unknown): x is number {
  return isFiniteNum(x) && x > 0;
}
function checkAlerts(x: unknown): string | null {
  if (!Array.isArray(x) || x.length > MAX_CHART_ALERTS) return `alerts is not an array of at most ${MAX_CHART_ALERTS}`;
  for (const a of x as unknown[]) {
    if (!isObj(a) || !isAlertId(a.id)) return `alert without an id of 1 to ${MAX_ALERT_ID} characters`;
    if (!isPrice(a.price)) return `alert ${a.id}: price is not a positive number`;
    if (a.direction !== 'above' && a.direction !== 'below') return `alert ${a.id}: direction is not above or below`;
  }
  return null;
}

function checkHistoryEnd(x: unknown): string | null {
  return x === null || (HISTORY_ENDS as readonly unknown[]).includes(x) ? null : `historyEnd is not null or one of ${HISTORY_ENDS.join(', ')}`;
}

function checkBookWindow(x: unknown): string | null {
  if (!isObj(x)) return 'book is not an object';
  if (!isCount(x.ticksPerRow, MAX_TICKS_PER_ROW) || x.ticksPerRow < 1) return 'book.ticksPerRow is not a positive integer';
  if (!isF64(x.bids, BOOK_STRIDE, MAX_BOOK_ROWS) || !isF64(x.asks, BOOK_STRIDE, MAX_BOOK_ROWS)) return 'book rows not packed';
  if (!isBool(x.valid)) return 'book.valid missing';
  if (x.raw === null) return null;
  if (!isObj(x.raw) || !isF64(x.raw.bids, BOOK_STRIDE, MAX_BOOK_ROWS) || !isF64(x.raw.asks, BOOK_STRIDE, MAX_BOOK_ROWS)) return 'book.raw is not null or packed levels';
  return null;
}
/** Rows of a diff: full sides or (index, row) changes, with the counts after applying. */
function checkSidesDiff(x: Obj, what: string): string | null {
  if (x.mode !== 'full' && x.mode !== 'rows') return `${what}.mode is unknown`;
  const stride = x.mode === 'full' ? BOOK_STRIDE : BOOK_STRIDE + 1;
  if (!isF64(x.bids, stride, MAX_BOOK_ROWS) || !isF64(x.asks, stride, MAX_BOOK_ROWS)) return `${what} rows not packed`;
  if (!isCount(x.bidCount, MAX_BOOK_ROWS) || !isCount(x.askCount, MAX_BOOK_ROWS)) return `${what} row counts are not integers from 0 to ${MAX_BOOK_ROWS}`;
  return null;
}
/** Whole cells of finite numbers: a time, a positive price, amounts ≥ 0 (O(cells)). */
function checkFootprintDiff(x: unknown): string | null {
  if (!isObj(x)) return 'footprint is not an object';
  if (!isBool(x.reset)) return 'footprint.reset is not a boolean';
  if (!isF64(x.partialBars, 1)) return 'footprint.partialBars not packed';
  const cells = x.cells;
  if (!isF64(cells, FOOTPRINT_CELL_STRIDE)) return 'footprint cells not packed';
  for (let i = 0; i < cells.length; i += FOOTPRINT_CELL_STRIDE) {
    if (!(Number.isFinite(cells[i]) && isPrice(cells[i + 1]) && cells[i + 2] >= 0 && cells[i + 2] < Infinity && cells[i + 3] >= 0 && cells[i + 3] < Infinity)) {
      return `footprint cell ${i / FOOTPRINT_CELL_STRIDE} is not a time, a positive price and two amounts ≥ 0`;
    }
  }
  return null;
}

/** Whole cells of finite numbers (a time, a positive price, a size ≥ 0), bounded columns (O(cells)). */
function checkHeatmapDiff(x: unknown): string | null {
  if (!isObj(x)) return 'heatmap is not an object';
  if (!isBool(x.reset)) return 'heatmap.reset is not a boolean';
  if (!isCount(x.sliceMs, MAX_HEATMAP_SLICE_MS) || x.sliceMs === 0) return `heatmap.sliceMs is not a whole number of ms from 1 to ${MAX_HEATMAP_SLICE_MS}`;
  if (!isPrice(x.rowStep)) return 'heatmap.rowStep is not a positive number';
  if (!isF64(x.columns, 1, MAX_HEATMAP_COLUMNS) || !isF64(x.gaps, 1, MAX_HEATMAP_COLUMNS)) return `heatmap columns or gaps not packed (at most ${MAX_HEATMAP_COLUMNS})`;
  for (let i = 0; i < x.columns.length; i++) if (!Number.isFinite(x.columns[i])) return `heatmap column ${i} is not a time`;
  if (!isCount(x.history, x.columns.length)) return 'heatmap.history is not a whole number of its columns';
  if (!isCount(x.historySpanMs, MAX_HEATMAP_SLICE_MS) || x.historySpanMs < x.sliceMs) return 'heatmap.historySpanMs is not a whole number of ms from its sliceMs to a day';
  const cells = x.cells;
  if (!isF64(cells, HEATMAP_CELL_STRIDE)) return 'heatmap cells not packed';
  for (let i = 0; i < cells.length; i += HEATMAP_CELL_STRIDE) {
    if (!(Number.isFinite(cells[i]) && isPrice(cells[i + 1]) && cells[i + 2] >= 0 && cells[i + 2] < Infinity)) {
      return `heatmap cell ${i / HEATMAP_CELL_STRIDE} is not a time, a positive price and a size ≥ 0`;
    }
  }
  return null;
}

function checkBookDiff(x: unknown): string | null {
  if (!isObj(x)) return 'book is not an object';
  if (!isCount(x.ticksPerRow, MAX_TICKS_PER_ROW) || x.ticksPerRow < 1) return 'book.ticksPerRow is not a positive integer';
  if (!isBool(x.valid)) return 'book.valid missing';
  return checkSidesDiff(x, 'book') ?? (x.raw === null ? null : isObj(x.raw) ? checkSidesDiff(x.raw, 'book.raw') : 'book.raw is not null or an object');
}

/**
 * Validates a message arriving in the host from a webview (untrusted). Never throws, whatever `x`
 * is; the result is a fresh copy of the fields read, so nothing (a getter, a proxy) is read again
 * later. O(1).
 */
export function parseWebviewMessage(x: unknown): WebviewMessage | ProtocolError {
  try {
    return readWebviewMessage(x);
  } catch {
    return new ProtocolError(UNREADABLE);
  }
}

function readWebviewMessage(x: unknown): WebviewMessage | ProtocolError {
  if (!isObj(x)) return new ProtocolError('not an object');
  const v = x.v;
  if (v !== PROTOCOL_VERSION) return new ProtocolError(`protocol version ${shown(v)} is not ${PROTOCOL_VERSION}`);
  const type = x.type;
  switch (type) {
    case 'ready':
    case 'openSymbolPicker':
      return { v, type };
    case 'ack': {
      const id = x.id;
      const renderMs = x.renderMs;
      if (Number.isSafeInteger(id) && isFiniteNum(renderMs) && renderMs >= 0) return { v, type, id: id as number, renderMs };
      break;
    }
    case 'setTimeframe': {
      const timeframe = x.timeframe;
      if (isStr(timeframe) && timeframe.length <= 8) return { v, type, timeframe };
      break;
    }
    case 'setLayer': {
      const layer = x.layer;
      const on = x.on;
      if (((LAYER_KEYS as readonly unknown[]).includes(layer) || (OPTIONAL_LAYER_KEYS as readonly unknown[]).includes(layer)) && isBool(on)) return { v, type, layer: layer as keyof Layers, on };
      break;
    }
    case 'setGrouping': {
      const ticksPerRow = x.ticksPerRow;
      if (isCount(ticksPerRow, MAX_TICKS_PER_ROW) && ticksPerRow >= 1) return { v, type, ticksPerRow };
      break;
    }
    case 'setIndicator': {
      const kind = x.kind;
      const on = x.on;
      if ((INDICATOR_KINDS as readonly unknown[]).includes(kind) && isBool(on)) return { v, type, kind: kind as IndicatorKind, on };
      break;
    }
    case 'addAlert': {
      const price = x.price;
      if (isPrice(price)) return { v, type, price };
      break;
    }
    case 'moveAlert': {
      const id = x.id;
      const price = x.price;
      if (isAlertId(id) && isPrice(price)) return { v, type, id, price };
      break;
    }
    case 'removeAlert': {
      const id = x.id;
      if (isAlertId(id)) return { v, type, id };
      break;
    }
    case 'setPinned': {
      const pinned = x.pinned;
      if (isBool(pinned)) return { v, type, pinned };
      break;
    }
    case 'replayControl': {
      const action = x.action;
      const value = x.value;
      if (!(REPLAY_ACTIONS as readonly unknown[]).includes(action) || !isFiniteNum(value)) break;
      if (action === 'speed' && !(value >= 0 && value <= MAX_REPLAY_SPEED)) break;
      if ((action === 'pause' || action === 'resume') && value !== 0) break;
      return { v, type, action: action as ReplayAction, value };
    }
    case 'setCvdMinAmount': {
      const amount = x.amount;
      if (isFiniteNum(amount) && amount >= 0 && amount <= MAX_TRADE_SIZE) return { v, type, amount };
      break;
    }
    case 'loadOlder': {
      const before = x.before;
      if (isFiniteNum(before)) return { v, type, before };
      break;
    }
    default:
      return new ProtocolError(`unknown message type ${shown(type)}`);
  }
  return new ProtocolError(`${type}: malformed fields`);
}
