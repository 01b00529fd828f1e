/**
 * Orderscope's settings as one typed object, validated from raw values. No `vscode` import: the
 * extension passes a getter over `workspace.getConfiguration('orderscope')`, tests a plain map.
 * A bad value yields a problem naming the setting and falls back to the default; it never throws.
 * The `contributes.configuration` schema in package.json mirrors these defaults (a test checks).
 */
import { parseChartTimeframe, TIMEFRAME_RULE, type ChartTimeframe } from '../../engine/candles/timeframe';
import { marketKey, type MarketId } from '../../engine/marketId';
import { FOOTPRINT_DISPLAYS, INDICATOR_KINDS, MAX_IMBALANCE_RATIO, MAX_VALUE_AREA_PERCENT, MIN_IMBALANCE_RATIO, MIN_VALUE_AREA_PERCENT, type FootprintDisplay, type IndicatorKind } from '../../engine/protocol';
import { DEFAULT_INDICATOR_PARAMETERS, DEFAULT_PANEL_INDICATORS, indicatorParametersProblem, readIndicatorParameters, type IndicatorParameters, type ParameterProblem } from './indicatorParameters';

export const STATUS_BAR_FORMATS = ['price', 'priceAndChange', 'compact'] as const;
export type StatusBarFormat = (typeof STATUS_BAR_FORMATS)[number];

/** What a panel can show: the protocol's indicator kinds (overlays, panes and order-flow metrics). */
export const PANEL_INDICATORS = INDICATOR_KINDS;
export type PanelIndicator = IndicatorKind;

export type { IndicatorParameters };

export interface OrderscopeSettings {
  exchange: string;
  symbol: string;
  timeframe: ChartTimeframe;
  statusBarSymbols: string[];
  statusBarFormat: StatusBarFormat;
  staleAfterSeconds: number;
  maxFps: number;
  /** Frame-rate cap of a visible chart that is not watched (another editor active, window unfocused). */
  backgroundFps: number;
  /** Draw only what changed and follow attention; off = the old full-rate behaviour. */
  powerSaving: boolean;
  ladderRows: number;
  ticksPerRow: number;
  depthWindowPercent: number;
  depthOverlayWidth: number;
  indicators: PanelIndicator[];
  indicatorParameters: IndicatorParameters;
  largeTradeThreshold: number;
  footprintDisplay: FootprintDisplay;
  imbalanceRatio: number;
  valueAreaPercent: number;
  /** A tick for each big trade (at or above a chart's trade-size threshold), played by visible charts. */
  soundBigTrades: boolean;
  /** A chime when a price alert fires, played by an open chart. */
  soundAlerts: boolean;
  /** Sound volume, 0 to 100. */
  soundVolume: number;
  httpProxy: string;
  httpsProxy: string;
  socksProxy: string;
  /** Per exchange id, an object merged into the ccxt constructor config (urls for mirrors/testnets). */
  endpoints: Record<string, Record<string, unknown>>;
  historyBars: number;
  /** Where the recording save dialog starts: '' = the workspace folder (else home). */
  recordingsFolder: string;
  alertsEnabled: boolean;
  demoOnStartup: boolean;
}

/** One setting: its key under `orderscope.`, default, and validator returning a problem or null. */
interface SettingSpec<K extends keyof OrderscopeSettings> {
  key: string;
  field: K;
  default: OrderscopeSettings[K];
  check(value: unknown): string | null;
  /**
   * For an object setting: reads it field by field, so a bad field falls back alone (with a
   * problem naming it) instead of the whole object. Absent: `check`, then all or nothing.
   */
  read?(value: unknown): { value: OrderscopeSettings[K]; problems: ParameterProblem[] };
}

/** Validators: each returns what is wrong with a value, or null when it is valid. */
const wholeNumberProblem = (min: number, max: number) => (v: unknown): string | null =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? null : `must be a whole number from ${min} to ${max}`;
const numberProblem = (min: number, max: number) => (v: unknown): string | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max ? null : `must be a number from ${min} to ${max}`;
const choiceProblem = (values: readonly string[]) => (v: unknown): string | null =>
  typeof v === 'string' && values.includes(v) ? null : `must be one of ${values.join(', ')}`;
/** A clock or activity timeframe, spelled as the engine spells it (no blanks around). */
const timeframeProblem = (v: unknown): string | null => (parseChartTimeframe(v) === v ? null : `must be ${TIMEFRAME_RULE}`);
const proxyUrlProblem = (v: unknown): string | null =>
  v === '' || (typeof v === 'string' && /^(https?|socks[45]?h?):\/\/[^\s]+$/.test(v)) ? null : 'must be empty or a URL such as http://host:port or socks5://host:port';
const symbolProblem = (v: unknown): string | null =>
  typeof v === 'string' && /^[A-Za-z0-9._-]+\/[A-Za-z0-9._:-]+$/.test(v) ? null : 'must be a unified symbol such as BTC/USDT';
const exchangeIdProblem = (v: unknown): string | null =>
  typeof v === 'string' && /^[a-z0-9]+$/.test(v) ? null : 'must be a ccxt exchange id such as binance, or "simulator"';

const booleanProblem = (v: unknown): string | null => (typeof v === 'boolean' ? null : 'must be true or false');

function checkEndpoints(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be an object keyed by exchange id';
  for (const [id, config] of Object.entries(v)) {
    if (exchangeIdProblem(id)) return `has a bad exchange id "${id}"`;
    if (typeof config !== 'object' || config === null || Array.isArray(config)) return `["${id}"] must be an object merged into the ccxt config`;
  }
  return null;
}

export const SETTING_SPECS = [
  { key: 'exchange', field: 'exchange', default: 'binance', check: exchangeIdProblem },
  { key: 'symbol', field: 'symbol', default: 'BTC/USDT', check: symbolProblem },
  { key: 'timeframe', field: 'timeframe', default: '1m', check: timeframeProblem },
  {
    key: 'statusBar.symbols',
    field: 'statusBarSymbols',
    default: ['BTC/USDT'],
    check: (v) =>
      Array.isArray(v) && v.length <= 20 && v.every((entry) => statusBarEntryProblem(entry) === null)
        ? null
        : 'must be a list of up to 20 symbols such as BTC/USDT or binance:BTC/USDT',
  },
  { key: 'statusBar.format', field: 'statusBarFormat', default: 'priceAndChange', check: choiceProblem(STATUS_BAR_FORMATS) },
  { key: 'statusBar.staleAfterSeconds', field: 'staleAfterSeconds', default: 30, check: wholeNumberProblem(5, 3600) },
  { key: 'chart.maxFps', field: 'maxFps', default: 10, check: wholeNumberProblem(1, 60) },
  { key: 'chart.backgroundFps', field: 'backgroundFps', default: 2, check: wholeNumberProblem(1, 60) },
  { key: 'chart.powerSaving', field: 'powerSaving', default: true, check: booleanProblem },
  { key: 'ladder.rows', field: 'ladderRows', default: 40, check: wholeNumberProblem(5, 200) },
  { key: 'ladder.ticksPerRow', field: 'ticksPerRow', default: 1, check: wholeNumberProblem(1, 100000) },
  { key: 'depth.windowPercent', field: 'depthWindowPercent', default: 1, check: numberProblem(0.01, 50) },
  { key: 'depth.overlayWidth', field: 'depthOverlayWidth', default: 140, check: wholeNumberProblem(40, 400) },
  {
    key: 'indicators',
    field: 'indicators',
    default: [...DEFAULT_PANEL_INDICATORS],
    check: (v) => (Array.isArray(v) && v.every((k) => choiceProblem(PANEL_INDICATORS)(k) === null) ? null : `must be a list of ${PANEL_INDICATORS.join(', ')}`),
  },
  { key: 'indicatorParameters', field: 'indicatorParameters', default: DEFAULT_INDICATOR_PARAMETERS, check: indicatorParametersProblem, read: readIndicatorParameters },
  { key: 'tape.largeTradeThreshold', field: 'largeTradeThreshold', default: 0, check: numberProblem(0, 1e12) },
  { key: 'footprint.display', field: 'footprintDisplay', default: 'bidAsk', check: choiceProblem(FOOTPRINT_DISPLAYS) },
  { key: 'footprint.imbalanceRatio', field: 'imbalanceRatio', default: 3, check: numberProblem(MIN_IMBALANCE_RATIO, MAX_IMBALANCE_RATIO) },
  { key: 'profile.valueAreaPercent', field: 'valueAreaPercent', default: 70, check: numberProblem(MIN_VALUE_AREA_PERCENT, MAX_VALUE_AREA_PERCENT) },
  { key: 'sound.bigTrades', field: 'soundBigTrades', default: false, check: booleanProblem },
  { key: 'sound.alerts', field: 'soundAlerts', default: false, check: booleanProblem },
  { key: 'sound.volume', field: 'soundVolume', default: 50, check: wholeNumberProblem(0, 100) },
  { key: 'network.httpProxy', field: 'httpProxy', default: '', check: proxyUrlProblem },
  { key: 'network.httpsProxy', field: 'httpsProxy', default: '', check: proxyUrlProblem },
  { key: 'network.socksProxy', field: 'socksProxy', default: '', check: proxyUrlProblem },
  { key: 'network.endpoints', field: 'endpoints', default: {}, check: checkEndpoints },
  { key: 'history.bars', field: 'historyBars', default: 1000, check: wholeNumberProblem(100, 20000) },
  { key: 'recordings.folder', field: 'recordingsFolder', default: '', check: (v) => (typeof v === 'string' ? null : 'must be a folder path, or empty for the workspace folder') },
  { key: 'alerts.enabled', field: 'alertsEnabled', default: true, check: booleanProblem },
  { key: 'demoOnStartup', field: 'demoOnStartup', default: false, check: booleanProblem },
] as const satisfies readonly SettingSpec<keyof OrderscopeSettings>[];

export interface SettingsRead {
  settings: OrderscopeSettings;
  /**
   * One message per bad value: "orderscope.chart.maxFps must be ...; using 10", or per bad field
   * of an object setting: "orderscope.indicatorParameters.macdFast must be ...; using 12".
   */
  problems: string[];
}

/**
 * Reads every setting through `get` (undefined = not set). O(settings).
 * Missing values take the default silently; bad ones take it with a problem naming the setting.
 */
export function readSettings(get: (key: string) => unknown): SettingsRead {
  const settings = {} as Record<string, unknown>;
  const problems: string[] = [];
  for (const spec of SETTING_SPECS as readonly SettingSpec<keyof OrderscopeSettings>[]) {
    const raw = get(spec.key);
    let value: unknown = spec.default;
    if (raw !== undefined && raw !== null && spec.read) {
      const read = spec.read(raw);
      value = read.value;
      for (const { key, problem } of read.problems) problems.push(`orderscope.${spec.key}${key === null ? '' : `.${key}`} ${problem}`);
    } else if (raw !== undefined && raw !== null) {
      const problem = spec.check(raw);
      if (problem === null) value = raw;
      else problems.push(`orderscope.${spec.key} ${problem}; got ${JSON.stringify(raw)}, using ${JSON.stringify(spec.default)}`);
    }
    settings[spec.field] = value;
  }
  return { settings: settings as unknown as OrderscopeSettings, problems };
}

/** One change of configuration: the new settings and which fields differ from the old ones. */
export interface SettingsChange {
  settings: OrderscopeSettings;
  keys: ReadonlySet<keyof OrderscopeSettings>;
}

/** The fields whose values differ (compared by value, so lists and objects count). O(settings). */
export function changedSettings(before: OrderscopeSettings, after: OrderscopeSettings): Set<keyof OrderscopeSettings> {
  const keys = new Set<keyof OrderscopeSettings>();
  for (const key of Object.keys(after) as (keyof OrderscopeSettings)[]) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) keys.add(key);
  }
  return keys;
}

/**
 * A status-bar entry: `SYMBOL` (on the `exchange` setting) or `EXCHANGE:SYMBOL`. The prefix is
 * the text before the first colon when it holds no slash, so `BTC/USDT:USDT` (a ccxt swap
 * symbol) has none and `okx:BTC/USDT:USDT` names okx. O(length).
 */
export function splitMarketEntry(entry: string): { exchange: string | undefined; symbol: string } {
  const colon = entry.indexOf(':');
  const slash = entry.indexOf('/');
  if (colon > 0 && (slash < 0 || colon < slash)) return { exchange: entry.slice(0, colon), symbol: entry.slice(colon + 1) };
  return { exchange: undefined, symbol: entry };
}

/** What is wrong with one status-bar entry (`SYMBOL` or `EXCHANGE:SYMBOL`), or null. Never throws. */
export function statusBarEntryProblem(entry: unknown): string | null {
  if (typeof entry !== 'string') return 'must be a symbol such as BTC/USDT';
  const { exchange, symbol } = splitMarketEntry(entry);
  if (exchange !== undefined && (exchangeIdProblem(exchange) !== null || exchange === 'replay')) return `"${exchange}" is not an exchange id such as binance`;
  return symbolProblem(symbol) === null ? null : `"${symbol}" is not a unified symbol such as BTC/USDT`;
}

/** The markets of the status bar, in order, without repeats; each carries its exchange. O(entries). */
export function statusBarMarkets(settings: Pick<OrderscopeSettings, 'exchange' | 'statusBarSymbols'>): MarketId[] {
  const seen = new Set<string>();
  const markets: MarketId[] = [];
  for (const entry of settings.statusBarSymbols) {
    const market = entryMarket(entry, settings.exchange);
    const key = marketKey(market);
    if (seen.has(key)) continue;
    seen.add(key);
    markets.push(market);
  }
  return markets;
}

/** The market a status-bar entry names (a bare symbol is on `defaultExchange`). O(length). */
export function entryMarket(entry: string, defaultExchange: string): MarketId {
  const { exchange, symbol } = splitMarketEntry(entry);
  return { exchange: exchange ?? defaultExchange, symbol };
}

/** The status-bar entry for `market`: the bare symbol on the default exchange, else prefixed. */
export function marketEntry(market: MarketId, defaultExchange: string): string {
  return market.exchange === defaultExchange ? market.symbol : `${market.exchange}:${market.symbol}`;
}
