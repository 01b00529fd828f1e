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
  /** The up/down colours as text (the legend's OHLC): at least AA contrast on the background. */
  upText: string;
  downText: string;
  /** Depth overlay fills (the up/down colours, translucent). */
  upFill: string;
  downFill: string;
  /** Volume bars (translucent up/down). */
  upVolume: string;
  downVolume: string;
  /** Indicator line colours, in order (each also the legend text of its indicator: AA contrast). */
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

/** WCAG AA for normal text: the least contrast ratio of text against its background. */
export const AA_TEXT_CONTRAST = 4.5;

/** The theme's colours as VS Code gives them (resolved to `#rrggbb` or `rgba(...)`). */
export interface ThemeColours {
  background: string;
  foreground: string;
  border: string | null;
  green: string;
  red: string;
  blue: string;
  yellow: string;
  purple: string;
  orange: string;
}

/** Reads the current theme. O(1) (a dozen style lookups). */
export function readTheme(doc: Document): Theme {
  const style = getComputedStyle(doc.documentElement);
  const probe = colourProbe(doc);
  const v = (name: string, fallback: string): string => probe(style.getPropertyValue(name).trim(), fallback);
  const border = style.getPropertyValue('--vscode-panel-border').trim();
  const colours: ThemeColours = {
    background: v('--vscode-editor-background', FALLBACK.background),
    foreground: v('--vscode-editor-foreground', v('--vscode-foreground', FALLBACK.foreground)),
    border: border === '' ? null : probe(border, FALLBACK.border),
    green: v('--vscode-charts-green', FALLBACK.green),
    red: v('--vscode-charts-red', FALLBACK.red),
    blue: v('--vscode-charts-blue', FALLBACK.blue),
    yellow: v('--vscode-charts-yellow', FALLBACK.yellow),
    purple: v('--vscode-charts-purple', FALLBACK.purple),
    orange: v('--vscode-charts-orange', FALLBACK.orange),
  };
  const fontSize = Number.parseFloat(style.getPropertyValue('--vscode-font-size')) || 12;
  const fontFamily = style.getPropertyValue('--vscode-font-family').trim() || 'system-ui, sans-serif';
  return themeFrom(themeKind(doc.body), colours, fontFamily, fontSize);
}

/**
 * The chart's theme from VS Code's colours. Text colours (indicator lines, which the legend
 * writes in their colour; the up/down text; muted labels) are moved towards the foreground's
 * end of the scale until they keep AA contrast on the background: a theme's chart colours are
 * made for lines and fills, and some (orange on a dark theme, yellow on a light one) are too
 * faint to read as text. O(1).
 */
export function themeFrom(kind: ThemeKind, c: ThemeColours, fontFamily: string, fontSize: number): Theme {
  const { background, foreground } = c;
  const contrast = kind === 'high-contrast' || kind === 'high-contrast-light';
  const readable = (colour: string): string => readableOn(colour, background);
  return {
    kind,
    background,
    foreground,
    muted: readable(withAlpha(foreground, contrast ? 1 : 0.7)),
    grid: withAlpha(foreground, contrast ? 0.25 : 0.07),
    border: c.border ?? withAlpha(foreground, 0.2),
    up: c.green,
    down: c.red,
    upText: readable(c.green),
    downText: readable(c.red),
    upFill: withAlpha(c.green, contrast ? 0.5 : 0.28),
    downFill: withAlpha(c.red, contrast ? 0.5 : 0.28),
    upVolume: withAlpha(c.green, 0.5),
    downVolume: withAlpha(c.red, 0.5),
    palette: [c.blue, c.yellow, c.purple, c.orange, foreground].map(readable),
    fontFamily,
    fontSize,
  };
}

/**
 * WCAG 2 contrast ratio of `colour` on `background` (a translucent colour is taken as drawn
 * over the background), from 1 to 21. Unparseable colours give 1.
 */
export function contrastRatio(colour: string, background: string): number {
  const bg = parseColour(background);
  const fg = parseColour(colour);
  if (bg === null || fg === null) return 1;
  const a = luminance(over(fg, bg));
  const b = luminance(bg);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}

/**
 * `colour` as opaque `#rrggbb` with at least `ratio` contrast on `background`: itself when it
 * has it, else mixed with white (on a dark background) or black (on a light one) by the least
 * amount that reaches it. O(1) (a bisection of 12 steps).
 */
export function readableOn(colour: string, background: string, ratio = AA_TEXT_CONTRAST): string {
  const bg = parseColour(background);
  const fg = parseColour(colour);
  if (bg === null || fg === null) return colour;
  const solid = over(fg, bg);
  if (contrastRatio(hex(solid), background) >= ratio) return hex(solid);
  const end: [number, number, number] = luminance(bg) < 0.18 ? [255, 255, 255] : [0, 0, 0];
  const mix = (t: number): string => hex([0, 1, 2].map((i) => solid[i]! + (end[i]! - solid[i]!) * t) as [number, number, number]);
  let lo = 0;
  let hi = 1;
  for (let step = 0; step < 12; step++) {
    const mid = (lo + hi) / 2;
    if (contrastRatio(mix(mid), background) >= ratio) hi = mid;
    else lo = mid;
  }
  return mix(hi);
}

/** [r, g, b] of `fg` drawn over the opaque `bg`. */
function over(fg: [number, number, number, number], bg: [number, number, number, number]): [number, number, number] {
  const a = fg[3];
  return [fg[0] * a + bg[0] * (1 - a), fg[1] * a + bg[1] * (1 - a), fg[2] * a + bg[2] * (1 - a)];
}

/** WCAG relative luminance of an sRGB colour (0..255 channels). */
function luminance(rgb: readonly number[]): number {
  const lin = (c: number): number => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(rgb[0]!) + 0.7152 * lin(rgb[1]!) + 0.0722 * lin(rgb[2]!);
}

function hex(rgb: readonly number[]): string {
  return `#${rgb.slice(0, 3).map((c) => Math.round(Math.min(255, Math.max(0, c))).toString(16).padStart(2, '0')).join('')}`;
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
