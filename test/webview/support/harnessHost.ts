/**
 * The extension host's side of one panel, for tests: answers `ready` with the FrameBuilder's
 * `init`, `loadOlder` with `history`, applies intents to the engine and builder (then re-sends
 * `init`, as the panel controller will), and sends frames one at a time, each waiting for the
 * webview's ack (the protocol's one-frame-in-flight rule).
 */
import type { FrameBuilder } from '../../../src/engine/frame/frameBuilder';
import type { Market } from '../../../src/engine/market';
import type { FrameMessage, HostMessage, IndicatorKind, InitMessage, StatusInfo, WebviewMessage } from '../../../src/engine/protocol';
import type { PanelPage } from './panelPage';

/** Indicator options the host uses when the panel switches a kind on. */
const INDICATOR_SPECS: Partial<Record<IndicatorKind, object>> = {
  sma: { kind: 'sma', period: 20 },
  ema: { kind: 'ema', period: 9 },
  wma: { kind: 'wma', period: 20 },
  bollinger: { kind: 'bollinger' },
  vwap: { kind: 'vwap' },
  rsi: { kind: 'rsi' },
  macd: { kind: 'macd' },
};

export class HarnessHost {
  status: StatusInfo = { state: 'live', detail: '', value: 0 };
  /** Messages sent to the panel. */
  readonly sent: HostMessage[] = [];
  lastInit: InitMessage | null = null;
  /** While true, `loadOlder` answers wait for {@link releaseHistory}. */
  holdHistory = false;
  private heldHistory: (() => void)[] = [];
  private nextId = 1;
  private acks = new Map<number, (renderMs: number) => void>();
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    readonly market: Market,
    public builder: FrameBuilder,
    readonly panel: PanelPage,
    /** Indicator kinds the market computes (in order). */
    public indicatorKinds: IndicatorKind[],
  ) {
    panel.onMessage = (m) => this.handle(m);
    // The capture fed to the market is all the history there is: no source pages older bars in.
    market.candles.sourceStartHeld = true;
  }

  /** Builds and sends a frame, resolving once the webview acknowledged it; null when nothing changed. */
  async sendFrame(): Promise<FrameMessage | null> {
    await this.pending;
    const id = this.nextId++;
    const frame = this.builder.buildFrame(id, this.status, performance.now(), () => performance.now());
    if (frame === null) return null;
    const acked = new Promise<number>((done) => this.acks.set(id, done));
    await this.send(frame);
    const timeout = new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`frame ${id} was not acknowledged`)), 5000));
    await Promise.race([acked, timeout]);
    return frame;
  }

  /** Sends the held `history` answers and stops holding. */
  releaseHistory(): void {
    this.holdHistory = false;
    for (const answer of this.heldHistory.splice(0)) answer();
  }

  /** Resolves when every message triggered so far (init answers, history) has been delivered. */
  settled(): Promise<unknown> {
    return this.pending;
  }

  send(message: HostMessage): Promise<void> {
    this.sent.push(message);
    if (message.type === 'init') this.lastInit = message;
    return this.panel.send(message);
  }

  private handle(m: WebviewMessage): void {
    switch (m.type) {
      case 'ready':
        return this.later(() => this.builder.buildInit(this.status));
      case 'ack':
        this.acks.get(m.id)?.(m.renderMs);
        this.acks.delete(m.id);
        return;
      case 'loadOlder':
        if (this.holdHistory) {
          this.heldHistory.push(() => this.later(() => this.builder.buildHistory(m.before)));
          return;
        }
        return this.later(() => this.builder.buildHistory(m.before));
      case 'setGrouping':
        this.builder.updateSettings({ ticksPerRow: m.ticksPerRow });
        return this.later(() => this.builder.buildInit(this.status));
      case 'setLayer': {
        const layers = { ...this.builder.settings.layers, [m.layer]: m.on };
        // The volume profile sums footprint cells: either layer has the builder send them (as chartPanel.ts's layerSettings).
        this.builder.updateSettings({ layers, heatmap: layers.heatmap === true, footprint: layers.footprint === true || layers.profile === true });
        // The heatmap and the footprint start over with an init (as the panel controller does for every layer).
        if (m.layer === 'heatmap' || m.layer === 'footprint' || m.layer === 'profile') this.later(() => this.builder.buildInit(this.status));
        return;
      }
      case 'setIndicator': {
        if (m.kind === 'imbalance' || m.kind === 'cvd') {
          // The order-flow metrics are always computed; the builder sends the chosen ones.
          this.builder.updateSettings({ metrics: { ...this.builder.settings.metrics, [m.kind]: m.on } });
          return this.later(() => this.builder.buildInit(this.status));
        }
        if (INDICATOR_SPECS[m.kind] === undefined) return;
        const kinds = this.indicatorKinds.filter((k) => k !== m.kind);
        if (m.on) kinds.push(m.kind);
        this.indicatorKinds = kinds;
        this.market.setIndicators(kinds.map((k) => INDICATOR_SPECS[k]));
        return this.later(() => this.builder.buildInit(this.status));
      }
      case 'setTimeframe':
      case 'openSymbolPicker':
        return;
    }
  }

  /** Sends what `build` returns after everything already queued (keeps message order). */
  private later(build: () => HostMessage): void {
    this.pending = this.pending.then(() => this.send(build()));
  }
}
