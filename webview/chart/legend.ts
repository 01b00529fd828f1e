/**
 * The legend over the chart: OHLCV of the bar under the crosshair (the newest bar when the
 * pointer is elsewhere) and the shown indicators' values at that bar. Values come from the
 * model, not the series, because each logical series is split in two.
 */
import { BarColumn, type PanelModel } from '../state/panelModel';
import type { Theme } from '../theme/theme';

export interface LegendLine {
  id: string;
  label: string;
  colour: string;
  /** Output columns to show, and how to format each. */
  columns: number[];
  format: (x: number) => string;
}

export class Legend {
  readonly root: HTMLElement;
  private readonly head: HTMLElement;
  private readonly ohlc: HTMLElement;
  private readonly lines: HTMLElement;
  private lineElements: HTMLElement[] = [];
  private spec: LegendLine[] = [];
  /** Bar time under the crosshair (ms), NaN for "the newest". */
  hoverTime = NaN;
  private drawnKey = '';

  constructor(doc: Document) {
    this.root = doc.createElement('div');
    this.root.className = 'legend';
    this.head = doc.createElement('div');
    this.head.className = 'legend-head';
    this.ohlc = doc.createElement('div');
    this.ohlc.className = 'legend-ohlc';
    this.lines = doc.createElement('div');
    this.lines.className = 'legend-lines';
    this.root.append(this.head, this.ohlc, this.lines);
  }

  /** The theme's text colours, each readable on the background (the CSS ones are the theme's raw chart colours). */
  applyTheme(theme: Theme): void {
    const style = this.root.style;
    style.setProperty('--os-up', theme.upText);
    style.setProperty('--os-down', theme.downText);
    style.setProperty('--os-muted', theme.muted);
  }

  setTitle(title: string): void {
    this.head.textContent = title;
  }

  /** The indicator lines to show (after a layout change). */
  setLines(doc: Document, spec: LegendLine[]): void {
    this.spec = spec;
    this.lineElements = spec.map((line) => {
      const e = doc.createElement('div');
      e.className = 'legend-line';
      e.style.color = line.colour;
      return e;
    });
    this.lines.replaceChildren(...this.lineElements);
    this.drawnKey = '';
  }

  /** Writes the values at the hovered (or newest) bar when they changed. O(lines). */
  draw(model: PanelModel, price: (x: number) => string, volume: (x: number) => string): void {
    const bars = model.bars;
    if (bars.length === 0) {
      this.ohlc.textContent = '';
      return;
    }
    const hovered = this.hoverTime === this.hoverTime ? bars.indexAtOrBefore(this.hoverTime) : -1;
    const i = hovered >= 0 ? hovered : bars.length - 1;
    const time = bars.time(i);
    const o = bars.value(i, BarColumn.Open);
    const h = bars.value(i, BarColumn.High);
    const l = bars.value(i, BarColumn.Low);
    const c = bars.value(i, BarColumn.Close);
    const v = bars.value(i, BarColumn.Volume);
    const ohlc = `O ${price(o)}  H ${price(h)}  L ${price(l)}  C ${price(c)}  V ${volume(v)}`;
    const values = this.spec.map((line) => {
      const rows = model.indicators.get(line.id)?.rows;
      const k = rows === undefined ? -1 : rows.indexOf(time);
      const parts = line.columns.map((col) => (k >= 0 ? line.format(rows!.value(k, col)) : '—'));
      return `${line.label} ${parts.join(' ')}`;
    });
    const key = ohlc + values.join('\n');
    if (key === this.drawnKey) return;
    this.drawnKey = key;
    this.ohlc.textContent = ohlc;
    this.ohlc.className = `legend-ohlc ${c >= o ? 'up' : 'down'}`;
    for (let k = 0; k < values.length; k++) this.lineElements[k]!.textContent = values[k]!;
  }

  text(): string {
    return this.root.innerText;
  }
}
