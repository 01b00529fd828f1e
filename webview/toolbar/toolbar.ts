/**
 * The toolbar: symbol (opens the host's picker), timeframe, layer toggles, depth width,
 * indicators, ladder grouping, the pace (a slowed or pinned panel says so) and the status badge. It only reports choices; the app turns
 * them into intents and local changes.
 */
import { CHART_TIMEFRAMES, INDICATOR_CATALOG, INDICATOR_KINDS, type IndicatorKind, type Layers, type PaceMessage } from '../../src/engine/protocol';
import { DEPTH_WIDTHS } from '../state/viewState';
import type { ProfileMode } from '../state/priceProfile';
import { ReplayControls, type ReplayControlEvents } from './replayControls';
import { StatusBadge } from './statusBadge';

/** The engine's timeframes (src/engine/candles/timeframe.ts; the webview imports only the protocol). */
/** Ticks per ladder row offered by the grouping control. */
export const GROUPINGS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 10000];

/** The profile select's entry that fixes the bars in view again (not a mode). */
const REFIX = 'refix';

const LAYER_LABELS: Record<keyof Layers, string> = { volume: 'Volume', depth: 'Depth', heatmap: 'Heatmap', footprint: 'Footprint', profile: 'Profile', ladder: 'Ladder', tape: 'Tape' };

export interface ToolbarEvents {
  symbol(): void;
  timeframe(timeframe: string): void;
  layer(layer: keyof Layers, on: boolean): void;
  depthWidth(px: number): void;
  /** A profile mode was chosen; 'fixed' (chosen again, or "Re-fix to view") fixes the bars in view now. */
  profileMode(mode: ProfileMode): void;
  indicator(kind: IndicatorKind, on: boolean): void;
  grouping(ticksPerRow: number): void;
  /** Pin this panel to the full frame rate while it is not watched (or unpin it). */
  pin(pinned: boolean): void;
  /** The replay's controls (shown only for a replay). */
  replay: ReplayControlEvents;
}

/** How fast the host updates this panel and why (the protocol's pace without its envelope). */
export type Pace = Omit<PaceMessage, 'v' | 'type'>;

export class Toolbar {
  readonly root: HTMLElement;
  readonly badge: StatusBadge;
  readonly replay: ReplayControls;
  private readonly symbolButton: HTMLButtonElement;
  private readonly timeframeSelect: HTMLSelectElement;
  private readonly layerButtons = new Map<keyof Layers, HTMLButtonElement>();
  private readonly depthSelect: HTMLSelectElement;
  private readonly profileModeSelect: HTMLSelectElement;
  /** "Re-fix to view": offered while the profile is fixed (choosing "Fixed range" again does the same). */
  private readonly refixOption: HTMLOptionElement;
  private readonly indicatorBoxes = new Map<IndicatorKind, HTMLInputElement>();
  private readonly groupingSelect: HTMLSelectElement;
  /** The pace: hidden at full rate; "4 fps" while slowed; "pinned" while pinned. */
  private readonly paceButton: HTMLButtonElement;

  constructor(doc: Document, events: ToolbarEvents) {
    this.root = doc.createElement('header');
    this.root.className = 'toolbar';
    this.root.setAttribute('role', 'toolbar');

    this.symbolButton = doc.createElement('button');
    this.symbolButton.className = 'symbol';
    this.symbolButton.title = 'Choose a market';
    this.symbolButton.addEventListener('click', () => events.symbol());

    this.timeframeSelect = select(doc, 'timeframe', 'Timeframe: by the clock, or bars of N trades (t) or N volume (v)', CHART_TIMEFRAMES.map((t) => [t, t]));
    this.timeframeSelect.addEventListener('change', () => events.timeframe(this.timeframeSelect.value));

    const layers = doc.createElement('div');
    layers.className = 'group layers';
    for (const layer of Object.keys(LAYER_LABELS) as (keyof Layers)[]) {
      const b = doc.createElement('button');
      b.className = 'toggle';
      b.dataset.layer = layer;
      b.textContent = LAYER_LABELS[layer];
      b.setAttribute('aria-pressed', 'true');
      b.addEventListener('click', () => events.layer(layer, b.getAttribute('aria-pressed') !== 'true'));
      this.layerButtons.set(layer, b);
      layers.append(b);
    }
    this.depthSelect = select(doc, 'depth-width', 'Depth overlay width', DEPTH_WIDTHS.map((w) => [String(w), `${w}px`]));
    this.depthSelect.addEventListener('change', () => events.depthWidth(Number(this.depthSelect.value)));
    this.profileModeSelect = select(doc, 'profile-mode', 'Volume profile of the bars in view, of the UTC day of the last bar in view, or of the bars in view when fixed', [
      ['visible', 'In view'],
      ['session', 'UTC day'],
      ['fixed', 'Fixed range'],
      [REFIX, 'Re-fix to view'],
    ]);
    this.refixOption = this.profileModeSelect.querySelector<HTMLOptionElement>(`option[value="${REFIX}"]`)!;
    this.refixOption.hidden = true;
    // Shown while the profile is (see showLayers).
    this.profileModeSelect.hidden = true;
    this.profileModeSelect.addEventListener('change', () => {
      const value = this.profileModeSelect.value;
      events.profileMode(value === REFIX ? 'fixed' : (value as ProfileMode));
    });
    layers.append(this.depthSelect, this.profileModeSelect);

    const indicators = doc.createElement('details');
    indicators.className = 'indicators';
    const summary = doc.createElement('summary');
    summary.textContent = 'Indicators';
    const menu = doc.createElement('div');
    menu.className = 'menu';
    for (const kind of INDICATOR_KINDS) {
      const label = doc.createElement('label');
      const box = doc.createElement('input');
      box.type = 'checkbox';
      box.dataset.kind = kind;
      box.addEventListener('change', () => events.indicator(kind, box.checked));
      label.append(box, doc.createTextNode(` ${INDICATOR_CATALOG[kind].title}`));
      menu.append(label);
      this.indicatorBoxes.set(kind, box);
    }
    indicators.append(summary, menu);
    // Close the menu when the user clicks elsewhere.
    doc.addEventListener('click', (e) => {
      if (indicators.open && !indicators.contains(e.target as Node)) indicators.open = false;
    });

    const grouping = doc.createElement('label');
    grouping.className = 'group grouping';
    grouping.append(doc.createTextNode('Step '));
    this.groupingSelect = select(doc, 'grouping', 'Ladder row size (ticks per row)', []);
    this.groupingSelect.addEventListener('change', () => events.grouping(Number(this.groupingSelect.value)));
    grouping.append(this.groupingSelect);

    this.paceButton = doc.createElement('button');
    this.paceButton.className = 'pace';
    this.paceButton.hidden = true;
    this.paceButton.addEventListener('click', () => events.pin(this.paceButton.getAttribute('aria-pressed') !== 'true'));

    this.replay = new ReplayControls(doc, events.replay);
    this.badge = new StatusBadge(doc);
    const spacer = doc.createElement('span');
    spacer.className = 'spacer';
    this.root.append(this.symbolButton, this.timeframeSelect, layers, indicators, grouping, this.replay.root, spacer, this.paceButton, this.badge.root);
  }

  showSymbol(exchange: string, symbol: string): void {
    this.symbolButton.textContent = `${symbol} · ${exchange} ▾`;
  }

  showMarket(exchange: string, symbol: string, tickSize: number, format: (price: number) => string): void {
    this.showSymbol(exchange, symbol);
    const current = Number(this.groupingSelect.value);
    this.groupingSelect.replaceChildren(...GROUPINGS.map((g) => option(this.root.ownerDocument, String(g), format(g * tickSize))));
    if (current > 0) this.showGrouping(current);
  }

  showTimeframe(timeframe: string): void {
    if (![...this.timeframeSelect.options].some((o) => o.value === timeframe)) {
      this.timeframeSelect.append(option(this.root.ownerDocument, timeframe, timeframe));
    }
    this.timeframeSelect.value = timeframe;
  }

  showLayers(layers: Layers): void {
    for (const [layer, b] of this.layerButtons) b.setAttribute('aria-pressed', String(layers[layer] === true));
    this.depthSelect.disabled = !layers.depth;
    this.profileModeSelect.hidden = layers.profile !== true;
  }

  showProfileMode(mode: ProfileMode): void {
    this.profileModeSelect.value = mode;
    this.refixOption.hidden = mode !== 'fixed';
  }

  /** Shows the overlay width; one the list lacks (the setting's) is added to it. */
  showDepthWidth(px: number): void {
    if (![...this.depthSelect.options].some((o) => o.value === String(px))) this.depthSelect.append(option(this.root.ownerDocument, String(px), `${px}px`));
    this.depthSelect.value = String(px);
  }

  showIndicators(on: (kind: IndicatorKind) => boolean): void {
    for (const [kind, box] of this.indicatorBoxes) box.checked = on(kind);
  }

  /** Shows a slowed panel's rate (a click pins it) or that it is pinned (a click unpins it). */
  showPace(pace: Pace): void {
    const b = this.paceButton;
    const slowed = pace.saving && !pace.watched && !pace.pinned;
    b.hidden = !slowed && !pace.pinned;
    b.setAttribute('aria-pressed', String(pace.pinned));
    const fps = +pace.fps.toFixed(1);
    if (pace.pinned) {
      b.textContent = 'pinned';
      b.title = 'Pinned: updating at the full rate even when not watched. Click to unpin (then it slows down while you work elsewhere).';
    } else {
      b.textContent = `${fps} fps`;
      b.title = `Not watched: updating ${fps} ${fps === 1 ? 'time' : 'times'} a second. Click to pin this chart to full rate.`;
    }
  }

  showGrouping(ticksPerRow: number): void {
    const doc = this.root.ownerDocument;
    if (![...this.groupingSelect.options].some((o) => o.value === String(ticksPerRow))) {
      this.groupingSelect.append(option(doc, String(ticksPerRow), `${ticksPerRow} ticks`));
    }
    this.groupingSelect.value = String(ticksPerRow);
  }
}

function select(doc: Document, className: string, title: string, options: [string, string][]): HTMLSelectElement {
  const s = doc.createElement('select');
  s.className = className;
  s.title = title;
  s.setAttribute('aria-label', title);
  for (const [value, label] of options) s.append(option(doc, value, label));
  return s;
}

function option(doc: Document, value: string, label: string): HTMLOptionElement {
  const o = doc.createElement('option');
  o.value = value;
  o.textContent = label;
  return o;
}
