/**
 * The panel: receives host messages (validated, applied to the model, drawn once per animation
 * frame, acknowledged), turns toolbar choices into intents, and keeps the user's choices and the
 * chart's range in the persisted view state.
 */
import { DEFAULT_DISPLAY, INDICATOR_KINDS, ProtocolError, parseHostMessage, type DisplayDefaults, type IndicatorKind, type Layers } from '../src/engine/protocol';
import { AlertLines } from './chart/alertLines';
import { BackfillBar } from './chart/backfillBar';
import { ChartView } from './chart/chartView';
import { FootprintPrimitive, type FootprintStyle } from './chart/footprintPrimitive';
import { ProfilePrimitive, type ProfileStyle } from './chart/profilePrimitive';
import { fixedRangeFrom, fixedRangeInView, type FixedProfileRange, type ProfileMode } from './state/priceProfile';
import { HeatmapPrimitive, type HeatmapStyle } from './chart/heatmapPrimitive';
import { TradeMarks } from './chart/tradeMarks';
import { timeFormatters, timeframeMs } from './format/localTime';
import { amountFormatter, compactNumber, priceFormatter } from './format/numberFormat';
import { FrameLoop } from './frameLoop';
import type { HostLink } from './host/hostLink';
import { LadderView, type LadderFormat } from './ladder/ladderView';
import { OpenFailureView } from './notice/openFailureView';
import { PanelLayout } from './panelLayout';
import { PanelModel } from './state/panelModel';
import type { ViewState } from './state/viewState';
import { PanelSound, pageSoundHost } from './sound/panelSound';
import { TapeView } from './tape/tapeView';
import { TradeThreshold } from './tape/tradeThreshold';
import { readTheme, watchTheme, withAlpha, type Theme } from './theme/theme';
import { Toolbar } from './toolbar/toolbar';
import { ToolbarOverflow } from './toolbar/toolbarOverflow';

/** Malformed messages logged to the console (then only counted). */
const LOGGED_DROPS = 20;
/** Minimum time between saves of the chart's range while the user scrolls. */
const RANGE_SAVE_MS = 250;

export class PanelApp {
  readonly model = new PanelModel();
  readonly toolbar: Toolbar;
  readonly chart: ChartView;
  readonly ladder: LadderView;
  readonly tape: TapeView;
  /** The panel's one trade-size threshold: the tape, the marks, the sound and the CVD pane follow it. */
  readonly bigTrades: TradeThreshold;
  /** Big trades on the candles. */
  readonly marks: TradeMarks;
  /** The liquidity heatmap behind the candles and the footprint over them (layers, off by default). */
  readonly heatmap: HeatmapPrimitive;
  readonly footprint: FootprintPrimitive;
  /** The volume profile on the price-axis side (a layer, off by default). */
  readonly profile: ProfilePrimitive;
  readonly sound: PanelSound;
  readonly loop: FrameLoop;
  readonly openFailure: OpenFailureView;
  /** The market's price alerts on the chart. */
  readonly alerts: AlertLines;
  /** The footprint backfill's progress across the top of the chart (while a footprint-reading layer is on). */
  readonly backfillBar: BackfillBar;
  readonly layout: PanelLayout;
  readonly toolbarOverflow: ToolbarOverflow;
  /** Messages dropped (malformed), and why the last one was. */
  dropped = 0;
  lastDropReason = '';
  renderErrors = 0;
  /** Intents posted, by type (for the debug hook). */
  readonly intents: Record<string, number> = {};
  private state: ViewState;
  private readonly root: HTMLElement;
  private inits = 0;
  /** `exchange:symbol` of the last init ('' before any). */
  private shownMarket = '';
  private drawnStatusAt = -1;
  private drawnTicksPerRow = 0;
  private ladderFormat: LadderFormat = { price: String, amount: String, base: '' };
  private rangeSave: ReturnType<typeof setTimeout> | null = null;
  /** The size the host's CVD pane counts from (0: every trade), as last asked. */
  private sentCvdMin = 0;
  /**
   * The settings' defaults from the last init (each init carries them; these stand until the
   * first): followed wherever the user has not chosen in this panel.
   */
  private display: DisplayDefaults = DEFAULT_DISPLAY;

  constructor(
    doc: Document,
    private readonly host: HostLink,
  ) {
    this.state = host.restore();
    const theme = readTheme(doc);
    this.root = doc.createElement('main');
    this.root.className = 'panel';
    this.toolbar = new Toolbar(doc, {
      symbol: () => this.post({ type: 'openSymbolPicker' }),
      timeframe: (timeframe) => {
        this.update({ timeframe });
        this.post({ type: 'setTimeframe', timeframe });
      },
      layer: (layer, on) => this.setLayer(layer, on),
      profileMode: (profileMode) => this.setProfileMode(profileMode),
      depthWidth: (depthWidth) => {
        this.update({ depthWidth });
        this.chart.settingsChanged();
        this.loop.request();
      },
      indicator: (kind, on) => {
        this.update({ indicators: { ...this.state.indicators, [kind]: on } });
        this.post({ type: 'setIndicator', kind, on });
        this.chart.settingsChanged();
        this.loop.request();
      },
      grouping: (ticksPerRow) => {
        this.update({ ticksPerRow });
        this.post({ type: 'setGrouping', ticksPerRow });
      },
      pin: (pinned) => this.post({ type: 'setPinned', pinned }),
      replay: {
        pause: () => this.post({ type: 'replayControl', action: 'pause', value: 0 }),
        resume: () => this.post({ type: 'replayControl', action: 'resume', value: 0 }),
        speed: (speed) => this.post({ type: 'replayControl', action: 'speed', value: speed }),
        seek: (time) => this.post({ type: 'replayControl', action: 'seek', value: time }),
      },
    });
    const chartBox = doc.createElement('div');
    chartBox.className = 'chart';
    const side = doc.createElement('div');
    side.className = 'side';
    this.root.append(chartBox, side);
    this.openFailure = new OpenFailureView(doc, () => this.post({ type: 'openSymbolPicker' }));
    // Until the first init the market's controls (timeframe, layers, step) have nothing to show.
    doc.body.classList.add('awaiting-market');
    doc.body.append(this.toolbar.root, this.root, this.openFailure.root);
    this.chart = new ChartView(
      doc,
      chartBox,
      this.model,
      theme,
      {
        indicatorShown: (kind) => this.indicatorOn(kind),
        depthWidth: () => this.depthWidth(),
        saving: () => this.model.pace.saving,
      },
      {
        loadOlder: (before) => this.post({ type: 'loadOlder', before }),
        rangeChanged: () => this.scheduleRangeSave(),
      },
    );
    this.chart.requestDraw = () => this.loop.request();
    this.alerts = new AlertLines(doc, this.chart.chart, chartBox, {
      add: (price) => this.post({ type: 'addAlert', price }),
      move: (id, price) => this.post({ type: 'moveAlert', id, price }),
      remove: (id) => this.post({ type: 'removeAlert', id }),
    });
    this.alerts.applyStyle({ line: theme.foreground, text: theme.background });
    this.chart.priceSeries.attachPrimitive(this.alerts);
    this.backfillBar = new BackfillBar(doc);
    chartBox.append(this.backfillBar.root);
    this.ladder = new LadderView(doc, this.model.book, this.state.impactQuantity, (impactQuantity) => {
      this.update({ impactQuantity });
      this.loop.request();
    });
    this.marks = new TradeMarks(this.chart.chart);
    this.marks.applyStyle({ up: theme.up, down: theme.down, edge: theme.background });
    this.marks.repaint = this.chart.repaint.request;
    this.chart.priceSeries.attachPrimitive(this.marks);
    const styles = this.orderFlowStyles(theme);
    this.heatmap = new HeatmapPrimitive(doc, this.model.heatmap, this.model.bars, () => timeframeMs(this.model.timeframe), styles.heatmap);
    this.heatmap.repaint = this.chart.repaint.request;
    this.chart.priceSeries.attachPrimitive(this.heatmap);
    this.footprint = new FootprintPrimitive(
      this.model.footprint,
      this.model.bars,
      () => (this.model.market?.tickSize ?? NaN) * this.model.book.ticksPerRow,
      // The naked POCs end at the depth overlay (drawn under the footprint).
      () => (this.chart.depth.style.visible ? this.chart.depth.style.width : 0),
      styles.footprint,
    );
    this.footprint.repaint = this.chart.repaint.request;
    this.chart.priceSeries.attachPrimitive(this.footprint);
    this.profile = new ProfilePrimitive(
      this.model.footprint,
      this.model.bars,
      () => (this.model.market?.tickSize ?? NaN) * this.model.book.ticksPerRow,
      // The depth overlay's width as drawn (the chart narrows it in a narrow pane).
      () => (this.chart.depth.style.visible ? this.chart.depth.style.width : 0),
      styles.profile,
    );
    this.profile.repaint = this.chart.repaint.request;
    this.profile.mode = this.state.profileMode;
    this.profile.fixedRange = this.state.profileRange;
    // Right-click on the chart: a fixed profile from the bar there to the newest (while the profile is shown).
    this.alerts.addBarMenuItem('Fixed-range profile from here', () => this.profile.style.visible, (time) => {
      const range = fixedRangeFrom(time, this.model.bars);
      if (range !== null) this.showProfile('fixed', range);
    });
    this.chart.priceSeries.attachPrimitive(this.profile);
    this.sound = new PanelSound(pageSoundHost(doc.defaultView!));
    for (const gesture of ['pointerdown', 'keydown']) doc.addEventListener(gesture, () => this.sound.unlock(), { capture: true });
    this.bigTrades = new TradeThreshold(this.model.trades, this.state.bigTrade);
    this.tape = new TapeView(doc, this.model.trades, this.bigTrades, this.state.bigCvd, {
      threshold: (bigTrade) => {
        this.update({ bigTrade });
        this.bigTrades.setUser(bigTrade);
        this.loop.request();
      },
      bigCvd: (bigCvd) => {
        this.update({ bigCvd });
        // Counting big trades in a pane that is not shown would say nothing: show it.
        if (bigCvd && !this.indicatorOn('cvd')) this.toolbarIndicator('cvd', true);
        this.loop.request();
      },
    });
    side.append(this.ladder.root, this.tape.root);
    this.layout = new PanelLayout(doc, this.root, side);
    // One row of controls: the least needed move into a "⋯" menu when the panel is narrow.
    const bar = this.toolbar.root;
    const movable = ['.grouping', '.layers', '.indicators', '.replay'].map((s) => bar.querySelector<HTMLElement>(`:scope > ${s}`)).filter((e) => e !== null);
    this.toolbarOverflow = new ToolbarOverflow(doc, bar, bar.querySelector(':scope > .spacer')!, movable);
    this.loop = new FrameLoop(
      () => this.draw(),
      () => this.hasWork(),
      (id, renderMs) => this.post({ type: 'ack', id, renderMs }),
      (error) => {
        this.renderErrors++;
        if (this.renderErrors <= LOGGED_DROPS) console.error('orderscope: drawing failed', error);
      },
    );
    this.toolbar.showDepthWidth(this.depthWidth());
    this.toolbar.showProfileMode(this.state.profileMode);
    if (this.state.layers !== null) this.showLayers(this.state.layers);
    watchTheme(doc, () => {
      const next = readTheme(doc);
      this.chart.applyTheme(next);
      this.alerts.applyStyle({ line: next.foreground, text: next.background });
      this.marks.applyStyle({ up: next.up, down: next.down, edge: next.background });
      const styles = this.orderFlowStyles(next);
      this.heatmap.style = styles.heatmap;
      this.footprint.style = styles.footprint;
      this.profile.style = styles.profile;
      this.loop.request();
    });
  }

  /** Starts listening and tells the host the panel is ready for its `init`. */
  start(win: Window): void {
    win.addEventListener('message', (event: MessageEvent) => this.receive(event.data));
    this.post({ type: 'ready' });
  }

  /** One message from the host. Malformed ones are dropped and counted, never acted on. */
  receive(data: unknown): void {
    const message = parseHostMessage(data);
    if (message instanceof ProtocolError) return this.drop(message.reason);
    // The alerts touch only their lines.
    if (message.type === 'alerts') return this.alerts.show(message.alerts);
    // The replay's position touches only its toolbar controls.
    if (message.type === 'replay') return this.toolbar.replay.show(message);
    if (message.type === 'sound') return this.sound.apply(message);
    if (message.type === 'alertSound') return this.sound.alert(message);
    const problem = this.model.apply(message, performance.now());
    if (problem !== null) return this.drop(`${message.type}: ${problem}`);
    if (message.type === 'init') {
      this.displayArrived(message.display);
      this.initArrived();
    }
    if (message.type === 'openFailed') this.openFailed();
    if (message.type === 'pace') this.paceArrived();
    else if (message.type === 'frame') this.loop.frameArrived(message.id);
    else this.loop.request();
  }

  /** Current persisted state (for the debug hook). */
  viewState(): ViewState {
    return this.state;
  }

  /** The host could not open the market: say so in place of the chart, with a way out. */
  private openFailed(): void {
    const failure = this.model.openFailure!;
    this.toolbar.showSymbol(failure.market.exchange, failure.market.symbol);
    this.openFailure.show(failure.market, failure.detail);
    this.toolbar.badge.show({ state: 'error', detail: '', value: 0 }, performance.now());
    this.root.ownerDocument.body.classList.add('open-failed');
  }

  private initArrived(): void {
    const model = this.model;
    const market = model.market!;
    this.openFailure.hide();
    this.root.ownerDocument.body.classList.remove('open-failed', 'awaiting-market');
    const price = priceFormatter(market.pricePrecision);
    const amount = amountFormatter(market.amountPrecision);
    const clock = timeFormatters(model.timeframe).clock;
    this.toolbar.showMarket(market.exchange, market.symbol, market.tickSize, price);
    if (market.exchange !== 'replay') this.toolbar.replay.show(null);
    this.toolbar.showTimeframe(model.timeframe);
    this.ladderFormat = { price, amount, base: market.symbol.split('/')[0] ?? '' };
    this.alerts.setMarket(price, (x) => Number((Math.round(x / market.tickSize) * market.tickSize).toFixed(market.pricePrecision)));
    this.showGrouping();
    this.tape.setFormat({ price, amount, clock });
    this.profile.timeText = clock;
    const first = this.inits === 0;
    this.inits++;
    // Saved on every init, so a reload restores the market the host shows now (after a switch too).
    if (model.panel !== null) this.update({ panel: { ...model.panel } });
    const key = `${market.exchange}:${market.symbol}:${model.timeframe}`;
    // Another market trades other sizes: its automatic threshold starts over.
    if (!key.startsWith(`${this.shownMarket}:`)) this.bigTrades.forgetAuto();
    this.shownMarket = `${market.exchange}:${market.symbol}`;
    this.sound.forgetTrades(model.trades);
    if (first) {
      this.reconcile();
      this.chart.restoreRangeAfterInit(this.state.range !== null && this.state.rangeKey === key ? this.state.range : null);
    } else {
      // The host answered an intent (or re-sent its view): what it sends is what is shown.
      this.update({ timeframe: model.timeframe, ticksPerRow: model.book.ticksPerRow, layers: everyLayer(model.layers) });
    }
    this.showLayers(this.state.layers ?? model.layers);
    this.toolbar.showIndicators((kind) => this.indicatorOn(kind));
  }

  /** The overlay width in use: the one picked in this panel's toolbar, else the setting's. */
  private depthWidth(): number {
    return this.state.depthWidth ?? this.display.depthOverlayWidth;
  }

  /** The settings' defaults changed (or arrived): applied where the user has not chosen here. */
  private displayArrived(display: DisplayDefaults): void {
    const width = this.depthWidth();
    this.display = display;
    this.toolbar.showDepthWidth(this.depthWidth());
    this.bigTrades.setSetting(display.largeTradeThreshold);
    this.footprint.settings = { display: display.footprintDisplay, imbalanceRatio: display.imbalanceRatio };
    this.profile.valueAreaShare = display.valueAreaPercent / 100;
    this.tape.showSetting(display.largeTradeThreshold);
    if (this.depthWidth() !== width) this.chart.settingsChanged();
  }

  /** The toolbar says how fast the host updates this panel; nothing flashes while nobody watches. */
  private paceArrived(): void {
    const pace = this.model.pace;
    this.toolbar.showPace(pace);
    this.ladder.marks = !pace.saving ? 'animated' : pace.watched || pace.pinned ? 'static' : 'off';
    this.tape.moveRows = pace.saving;
    // Saved for a reload: the host restores the pin from the panel's state.
    if (pace.pinned !== this.state.pinned) this.update({ pinned: pace.pinned });
  }

  /**
   * First init after a (re)load: the host may have started afresh (VS Code restored the panel)
   * while this panel remembers the user's choices; ask the host for each one that differs.
   */
  private reconcile(): void {
    const model = this.model;
    const s = this.state;
    if (s.timeframe !== null && s.timeframe !== model.timeframe) this.post({ type: 'setTimeframe', timeframe: s.timeframe });
    if (s.ticksPerRow !== null && s.ticksPerRow !== model.book.ticksPerRow) this.post({ type: 'setGrouping', ticksPerRow: s.ticksPerRow });
    if (s.layers !== null) {
      for (const layer of Object.keys(s.layers) as (keyof Layers)[]) {
        const on = s.layers[layer] === true;
        if (on !== (model.layers[layer] === true)) this.post({ type: 'setLayer', layer, on });
      }
    }
    for (const kind of INDICATOR_KINDS) {
      const wanted = s.indicators[kind];
      const present = model.indicators.list.some((x) => x.kind === kind);
      if (wanted !== undefined && wanted !== present) this.post({ type: 'setIndicator', kind, on: wanted });
    }
    if (s.timeframe === null) this.update({ timeframe: model.timeframe });
    if (s.ticksPerRow === null) this.update({ ticksPerRow: model.book.ticksPerRow });
  }

  /** Shows the profile in `mode`; 'fixed' (chosen again too) fixes the bars in view now. */
  private setProfileMode(mode: ProfileMode): void {
    const range = mode === 'fixed' ? fixedRangeInView(this.chart.chart.timeScale().getVisibleLogicalRange(), this.model.bars) : this.state.profileRange;
    // No bars in view: nothing to fix, the profile stays as it was.
    if (mode === 'fixed' && range === null) return this.toolbar.showProfileMode(this.state.profileMode);
    this.showProfile(mode, range);
  }

  /** Shows the profile in `mode`, `range` its fixed range, and saves both. */
  private showProfile(mode: ProfileMode, range: FixedProfileRange | null): void {
    this.update({ profileMode: mode, profileRange: range });
    this.profile.mode = mode;
    this.profile.fixedRange = range;
    this.toolbar.showProfileMode(mode);
    this.loop.request();
  }

  private setLayer(layer: keyof Layers, on: boolean): void {
    const layers = everyLayer({ ...(this.state.layers ?? this.model.layers), [layer]: on });
    this.update({ layers });
    this.post({ type: 'setLayer', layer, on });
    this.showLayers(layers);
    this.loop.request();
  }

  private showLayers(layers: Layers): void {
    this.toolbar.showLayers(layers);
    this.chart.setLayers(layers.volume, layers.depth);
    this.heatmap.style = { ...this.heatmap.style, visible: layers.heatmap === true };
    this.footprint.style = { ...this.footprint.style, visible: layers.footprint === true };
    this.profile.style = { ...this.profile.style, visible: layers.profile === true };
    this.backfillBar.setLayerOn(layers.footprint === true || layers.profile === true);
    this.root.classList.toggle('no-ladder', !layers.ladder);
    this.root.classList.toggle('no-tape', !layers.tape);
  }

  /** The ladder's row size (the host may change grouping with a frame as well as an init). */
  private showGrouping(): void {
    const ticks = this.model.book.ticksPerRow;
    this.drawnTicksPerRow = ticks;
    this.toolbar.showGrouping(ticks);
    this.ladder.setFormat(this.ladderFormat, this.model.market!.tickSize * ticks);
  }

  /**
   * Whether a draw would change what is shown. Without power saving, always (every frame is
   * drawn, as before). The chart is asked first: it takes a book change for the depth overlay
   * at once, repainting only if the overlay would look different.
   */
  private hasWork(): boolean {
    const model = this.model;
    if (!model.pace.saving) return true;
    if (model.generation === 0) return false;
    const layers = this.state.layers ?? model.layers;
    const chart = this.chart.needsDraw();
    this.bigTrades.update();
    return (
      chart ||
      this.marks.needsSync(model.trades, this.bigTrades, this.chartKey()) ||
      this.heatmap.needsSync() ||
      this.footprint.needsSync() ||
      this.profile.needsSync() ||
      this.sound.pending(model.trades) ||
      this.wantedCvdMin() !== this.sentCvdMin ||
      model.book.ticksPerRow !== this.drawnTicksPerRow ||
      model.statusAt !== this.drawnStatusAt ||
      (layers.ladder && this.ladder.needsDraw()) ||
      (layers.tape && this.tape.needsDraw())
    );
  }

  private draw(): void {
    const model = this.model;
    if (model.generation === 0) return;
    if (model.book.ticksPerRow !== this.drawnTicksPerRow) this.showGrouping();
    const layers = this.state.layers ?? model.layers;
    this.chart.beginDraw();
    try {
      this.drawParts();
    } finally {
      this.chart.endDraw();
    }
    if (layers.ladder) this.ladder.draw();
    if (layers.tape) this.tape.draw();
    if (model.statusAt !== this.drawnStatusAt) {
      this.drawnStatusAt = model.statusAt;
      this.toolbar.badge.show(model.status, model.statusAt);
      this.backfillBar.setProgress(model.status.backfill);
    }
  }

  /** The chart and what is drawn on it (its primitives' repaints settle after). */
  private drawParts(): void {
    const model = this.model;
    if (!model.pace.saving || this.chart.needsDraw()) this.chart.draw();
    this.bigTrades.update();
    this.marks.sync(model.trades, this.bigTrades, model.bars, this.chartKey());
    this.heatmap.sync();
    this.footprint.sync();
    this.profile.sync();
    this.sound.hear(model.trades, this.bigTrades.value);
    this.askCvdMin();
  }

  /** The heatmap's, the footprint's and the profile's colours and fonts (each keeps whether it is shown). */
  private orderFlowStyles(theme: Theme): { heatmap: HeatmapStyle; footprint: FootprintStyle; profile: ProfileStyle } {
    return {
      profile: {
        visible: this.profile?.style.visible ?? false,
        foreground: theme.foreground,
        muted: theme.muted,
        up: theme.up,
        down: theme.down,
        valueAreaFill: withAlpha(theme.foreground, 0.08),
        fixedRangeFill: withAlpha(theme.foreground, 0.05),
        fixedRangeEdge: withAlpha(theme.foreground, 0.3),
        fontFamily: theme.fontFamily,
      },
      heatmap: { visible: this.heatmap?.style.visible ?? false, muted: theme.muted, background: theme.background, fontFamily: theme.fontFamily, fontSize: theme.fontSize, size: compactNumber },
      footprint: {
        visible: this.footprint?.style.visible ?? false,
        background: theme.background,
        foreground: theme.foreground,
        muted: theme.muted,
        up: theme.up,
        down: theme.down,
        upFill: theme.upFill,
        downFill: theme.downFill,
        fontFamily: theme.fontFamily,
      },
    };
  }

  /** The market and timeframe shown (the marks' bars). */
  private chartKey(): string {
    const market = this.model.market;
    return market === null ? '' : `${market.exchange}:${market.symbol}:${this.model.timeframe}`;
  }

  /** The size the CVD pane should count from: the threshold with "CVD" ticked, else 0; null while the threshold is unknown. */
  private wantedCvdMin(): number | null {
    if (!this.state.bigCvd) return 0;
    const threshold = this.bigTrades.value;
    return threshold > 0 && threshold < Infinity ? threshold : null;
  }

  /** Asks the host for the CVD of trades at or above the threshold when that size changed (a new init follows). */
  private askCvdMin(): void {
    const amount = this.wantedCvdMin();
    if (amount === null || amount === this.sentCvdMin) return;
    this.sentCvdMin = amount;
    this.post({ type: 'setCvdMinAmount', amount });
  }

  /** Switches an indicator as its toolbar entry does. */
  private toolbarIndicator(kind: IndicatorKind, on: boolean): void {
    this.update({ indicators: { ...this.state.indicators, [kind]: on } });
    this.post({ type: 'setIndicator', kind, on });
    this.toolbar.showIndicators((k) => this.indicatorOn(k));
    this.chart.settingsChanged();
  }

  private drop(reason: string): void {
    this.dropped++;
    this.lastDropReason = reason;
    if (this.dropped <= LOGGED_DROPS) console.warn(`orderscope: dropped a malformed message (${reason})`);
  }

  private post(message: Parameters<HostLink['post']>[0]): void {
    this.intents[message.type] = (this.intents[message.type] ?? 0) + 1;
    this.host.post(message);
  }

  private update(patch: Partial<ViewState>): void {
    this.state = { ...this.state, ...patch };
    this.host.save(this.state);
  }

  private scheduleRangeSave(): void {
    if (this.rangeSave !== null) return;
    this.rangeSave = setTimeout(() => {
      this.rangeSave = null;
      const range = this.chart.savedRange();
      const market = this.model.market;
      if (range === null || market === null) return;
      this.update({ range, rangeKey: `${market.exchange}:${market.symbol}:${this.model.timeframe}` });
    }, RANGE_SAVE_MS);
  }

  /** Whether an indicator kind is shown: the user's choice here, else whether the host sends it. */
  indicatorOn(kind: IndicatorKind): boolean {
    return this.state.indicators[kind] ?? this.model.indicators.list.some((s) => s.kind === kind);
  }
}

/**
 * Every layer named, the optional ones (heatmap, footprint, profile) false when absent: the saved
 * view states the same layers whether a toolbar click or the host's init wrote it last.
 */
function everyLayer(layers: Layers): Layers {
  return { ...layers, heatmap: layers.heatmap === true, footprint: layers.footprint === true, profile: layers.profile === true };
}
