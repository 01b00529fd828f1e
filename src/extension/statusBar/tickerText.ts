/**
 * What one status-bar ticker says, as plain data (the vscode layer turns it into a
 * StatusBarItem). Prices are formatted to the market's precision and padded with figure spaces
 * (U+2007, as wide as a digit) to the widest text this ticker has shown, so the status bar does
 * not jitter as digits come and go.
 */
import type { ConnectionState } from '../../engine/protocol';
import type { StatusBarFormat } from '../settings/settingsModel';

/** A ticker shows its session's state: the one status every view of the market reads. */
export type TickerState = ConnectionState;
export type TickerDirection = 'up' | 'down' | 'flat';

export interface TickerInput {
  exchange: string;
  symbol: string;
  last: number;
  changePercent24h: number;
  high24h: number;
  low24h: number;
  volume24h: number;
  pricePrecision: number;
  /** ms since the last update, NaN when none came yet. */
  ageMs: number;
  state: TickerState;
  /** Error or reconnect detail a person can act on. */
  detail: string;
  /** Name the exchange in the text (the status bar shows markets of more than one exchange). */
  showExchange?: boolean;
}

export interface TickerView {
  text: string;
  tooltip: string;
  direction: TickerDirection;
  state: TickerState;
}

const FIGURE_SPACE = '\u2007';

export function formatPrice(value: number, precision: number): string {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: precision, maximumFractionDigits: precision });
}

function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return 'no update yet';
  if (ms < 1000) return 'just now';
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

function formatVolume(v: number): string {
  if (!Number.isFinite(v)) return '—';
  return v.toLocaleString('en-US', { notation: 'compact', maximumFractionDigits: 2 });
}

/** The text with the state's icon; without a price (or with a failure) only the market's name. */
function stateText(state: TickerState, text: string, label: string, hasPrice: boolean): string {
  switch (state) {
    case 'error':
    case 'closed':
      return `$(error) ${label}`;
    case 'connecting':
      return `$(loading~spin) ${label}`;
    default:
      if (!hasPrice) return `$(loading~spin) ${label}`;
      if (state === 'stale') return `$(history) ${text}`;
      if (state === 'reconnecting') return `$(sync~spin) ${text}`;
      if (state === 'resyncing') return `$(sync) ${text}`;
      if (state === 'paused') return `$(debug-pause) ${text}`;
      if (state === 'finished') return `$(debug-stop) ${text}`;
      return text;
  }
}

/** Formats tickers; keeps, per symbol, the widest price text so far (the anti-jitter width). */
export class TickerFormatter {
  private readonly widths = new Map<string, number>();

  format(input: TickerInput, format: StatusBarFormat): TickerView {
    const base = input.symbol.split('/')[0] ?? input.symbol;
    // Where two exchanges could be confused, the text says which one (the simulator always does:
    // its prices must never pass for a real market's).
    const label = input.showExchange || input.exchange === 'simulator' ? `${input.exchange}:${input.symbol}` : input.symbol;
    const change = input.changePercent24h;
    const direction: TickerDirection = !Number.isFinite(change) || change === 0 ? 'flat' : change > 0 ? 'up' : 'down';
    let price = formatPrice(input.last, input.pricePrecision);
    const key = `${input.exchange}:${input.symbol}`;
    const width = Math.max(this.widths.get(key) ?? 0, price.length);
    this.widths.set(key, width);
    price = FIGURE_SPACE.repeat(width - price.length) + price;
    const arrow = direction === 'up' ? '▲' : direction === 'down' ? '▼' : '•';
    const changeText = Number.isFinite(change) ? `${change >= 0 ? '+' : '−'}${Math.abs(change).toFixed(2)}%` : '';
    let text: string;
    const compactLabel = label === input.symbol ? base : `${input.exchange}:${base}`;
    if (format === 'compact') text = `${compactLabel} ${price}`;
    else if (format === 'price') text = `${label} ${price}`;
    else text = `${label} ${price} ${arrow}${changeText ? ` ${changeText}` : ''}`;
    // The state is always visible in the text: a stale, resyncing or broken price never looks live.
    text = stateText(input.state, text, label, Number.isFinite(input.last));
    const lines = [
      `${input.symbol} on ${input.exchange}`,
      `Last: ${formatPrice(input.last, input.pricePrecision)}${changeText ? ` (${changeText} 24h)` : ''}`,
      `24h high / low: ${formatPrice(input.high24h, input.pricePrecision)} / ${formatPrice(input.low24h, input.pricePrecision)}`,
      `24h volume: ${formatVolume(input.volume24h)} ${base}`,
      `Updated: ${formatAge(input.ageMs)}`,
      `Connection: ${input.state}${input.detail ? ` — ${input.detail}` : ''}`,
      'Click to open the chart',
    ];
    return { text, tooltip: lines.join('\n'), direction, state: input.state };
  }
}
