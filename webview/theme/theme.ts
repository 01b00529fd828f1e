/**
 * Colours and fonts from VS Code's theme CSS variables (with fallbacks for a plain browser), and
 * a watcher that reports theme changes: VS Code swaps the body class (`vscode-dark`,
 * `vscode-light`, `vscode-high-contrast`, `vscode-high-contrast-light`) and rewrites the
 * variables on <html>'s style attribute. Canvas drawing (the chart) needs concrete colours, so
 * they are resolved here; DOM parts use the variables directly in CSS and follow by themselves.
 */

export type ThemeKind = 'dark' | 'light' | 'high-contrast' | 'high-contrast-light';

export interface Theme {
  kind: ThemeKind;
  background: string;
  foreground: string;
  /** Secondary text (axis labels, legend names). */
  muted: string;
  grid: string;
  border: string;
  /** Buys, bids, rising candles. */
  up: string;
  /** Sells, asks, falling candles. */
  down: string;
  /** Depth overlay fills (the up/down colours, translucent). */
  upFill: string;
  downFill: string;
  /** Volume bars (translucent up/down). */
  upVolume: string;
  downVolume: string;
  /** Indicator line colours, in order. */
  palette: string[];
  fontFamily: string;
  fontSize: number;
}

/** Fallbacks: VS Code's Dark Modern values. */
const FALLBACK = {
  background: '#1f1f1f',
  foreground: '#cccccc',
  green: '#89d185',
  red: '#f14c4c',
  blue: '#3794ff',
  yellow: '#cca700',
  orange: '#d18616',
  purple: '#b180d7',
  border: '#3c3c3c',
};

/** Reads the current theme. O(1) (a dozen style lookups). */
export function readTheme(doc: Document): Theme {
  const style = getComputedStyle(doc.documentElement);
  const probe = colourProbe(doc);
  const v = (name: string, fallback: string): string => probe(style.getPropertyValue(name).trim(), fallback);
  const kind = themeKind(doc.body);
  const background = v('--vscode-editor-background', FALLBACK.background);
  const foreground = v('--vscode-editor-foreground', v('--vscode-foreground', FALLBACK.foreground));
  const contrast = kind === 'high-contrast' || kind === 'high-contrast-light';
  const up = v('--vscode-charts-green', FALLBACK.green);
  const down = v('--vscode-charts-red', FALLBACK.red);
  const fontSize = Number.parseFloat(style.getPropertyValue('--vscode-font-size')) || 12;
  return {
    kind,
    background,
    foreground,
    muted: withAlpha(foreground, contrast ? 1 : 0.7),
    grid: withAlpha(foreground, contrast ? 0.25 : 0.07),
    border: v('--vscode-panel-border', withAlpha(foreground, 0.2)),
    up,
    down,
    upFill: withAlpha(up, contrast ? 0.5 : 0.28),
    downFill: withAlpha(down, contrast ? 0.5 : 0.28),
    upVolume: withAlpha(up, 0.5),
    downVolume: withAlpha(down, 0.5),
    palette: [
      v('--vscode-charts-blue', FALLBACK.blue),
      v('--vscode-charts-yellow', FALLBACK.yellow),
      v('--vscode-charts-purple', FALLBACK.purple),
      v('--vscode-charts-orange', FALLBACK.orange),
      foreground,
    ],
    fontFamily: style.getPropertyValue('--vscode-font-family').trim() || 'system-ui, sans-serif',
    fontSize,
  };
}

/** Calls `onChange` when the theme changes (body class or the variables on <html>). */
export function watchTheme(doc: Document, onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(doc.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(doc.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}

function themeKind(body: HTMLElement): ThemeKind {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  if (c.contains('vscode-light')) return 'light';
  return 'dark';
}

/**
 * Resolves any CSS colour to the canvas's canonical form (`#rrggbb` or `rgba(...)`), which
 * the chart and `withAlpha` understand; an empty or invalid value gives the fallback.
 */
function colourProbe(doc: Document): (value: string, fallback: string) => string {
  const ctx = doc.createElement('canvas').getContext('2d');
  return (value, fallback) => {
    if (value === '' || ctx === null) return fallback;
    ctx.fillStyle = '#010203';
    ctx.fillStyle = value;
    const first = ctx.fillStyle;
    ctx.fillStyle = '#030201';
    ctx.fillStyle = value;
    return first === ctx.fillStyle ? first : fallback;
  };
}

/** `#rrggbb` or `rgb(a)(...)` with its alpha multiplied by `alpha`. */
export function withAlpha(colour: string, alpha: number): string {
  const rgba = parseColour(colour);
  if (rgba === null) return colour;
  return `rgba(${rgba[0]}, ${rgba[1]}, ${rgba[2]}, ${+(rgba[3] * alpha).toFixed(3)})`;
}

/** [r, g, b, a] of `#rgb`, `#rrggbb`, `#rrggbbaa` or `rgb(a)(...)`; null otherwise. */
export function parseColour(colour: string): [number, number, number, number] | null {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(colour);
  if (hex !== null) {
    let h = hex[1]!;
    if (h.length === 3) h = h.replace(/./g, (c) => c + c);
    const n = (i: number): number => Number.parseInt(h.slice(i, i + 2), 16);
    return [n(0), n(2), n(4), h.length === 8 ? n(6) / 255 : 1];
  }
  const fn = /^rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:[,\s/]+([\d.]+))?\s*\)$/i.exec(colour);
  if (fn !== null) return [Number(fn[1]), Number(fn[2]), Number(fn[3]), fn[4] === undefined ? 1 : Number(fn[4])];
  return null;
}
