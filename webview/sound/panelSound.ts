/**
 * The panel's sounds, synthesized with WebAudio (no audio files): a short tick for each big trade
 * (high and bright for a taker buy, low and soft for a sell) and a two-note chime when a price
 * alert fires (rising for above, falling for below). Off until the host's `sound` settings say
 * otherwise (`orderscope.sound.*`), at their volume, never while the panel is hidden. Ticks are
 * rate-limited: a burst of big trades is a few ticks, not a buzz.
 */
import type { AlertSoundMessage, SoundMessage } from '../../src/engine/protocol';
import type { TradeRing } from '../state/tradeRing';

/** Least time between two trade ticks, ms (at most about 6 a second). */
export const TICK_GAP_MS = 160;
/** Least time between two alert chimes, ms. */
const CHIME_GAP_MS = 600;
const TICK_SECONDS = 0.05;
const CHIME_NOTE_SECONDS = 0.14;
/** Loudness of a tick and of a chime at volume 1 (a tick is meant for the corner of the ear). */
const TICK_GAIN = 0.25;
const CHIME_GAIN = 0.4;

/** What the panel needs of the page: its audio, whether it is shown, the time. */
export interface SoundHost {
  createContext(): AudioContext | null;
  hidden(): boolean;
  now(): number;
}

export function pageSoundHost(win: Window): SoundHost {
  return {
    createContext: () => {
      const Context = (win as Window & { AudioContext?: typeof AudioContext }).AudioContext;
      return Context === undefined ? null : new Context();
    },
    hidden: () => win.document.visibilityState === 'hidden',
    now: () => win.performance.now(),
  };
}

export class PanelSound {
  private settings: Omit<SoundMessage, 'v' | 'type'> = { bigTrades: false, alerts: false, volume: 0 };
  private context: AudioContext | null = null;
  /** `trades.total` when last heard (the trades of an init are history, not heard). */
  private heardTotal = -1;
  private lastTick = -Infinity;
  private lastChime = -Infinity;
  /** Ticks played, and big trades not heard because of the rate limit (for the debug hook). */
  ticks = 0;
  skipped = 0;
  chimes = 0;

  constructor(private readonly host: SoundHost) {}

  apply(settings: SoundMessage): void {
    this.settings = { bigTrades: settings.bigTrades, alerts: settings.alerts, volume: settings.volume };
  }

  /** A new init: its trades are already there, not new. */
  forgetTrades(trades: TradeRing): void {
    this.heardTotal = trades.total;
  }

  /** Whether trades arrived that {@link hear} has not looked at. O(1). */
  pending(trades: TradeRing): boolean {
    return trades.total !== this.heardTotal;
  }

  /**
   * Ticks for the big trades that arrived since the last call (one tick for the newest big trade
   * of a burst, then none until TICK_GAP_MS passed). O(new trades); allocates nothing unless it plays.
   */
  hear(trades: TradeRing, threshold: number): void {
    if (trades.total < this.heardTotal || this.heardTotal < 0) this.heardTotal = trades.total;
    const fresh = Math.min(trades.total - this.heardTotal, trades.count);
    this.heardTotal = trades.total;
    if (fresh <= 0 || !this.settings.bigTrades || this.settings.volume <= 0 || this.host.hidden()) return;
    let side = 0;
    let big = 0;
    for (let age = fresh - 1; age >= 0; age--) {
      if (trades.field(age, 2) < threshold) continue;
      big++;
      side = trades.field(age, 3);
    }
    if (big === 0) return;
    const now = this.host.now();
    if (now - this.lastTick < TICK_GAP_MS) {
      this.skipped += big;
      return;
    }
    this.lastTick = now;
    this.skipped += big - 1;
    if (this.tick(side > 0)) this.ticks++;
  }

  /** A price alert fired (the host sends it only with alert sounds on; checked here too). */
  alert(message: AlertSoundMessage): void {
    if (!this.settings.alerts || this.settings.volume <= 0 || this.host.hidden()) return;
    const now = this.host.now();
    if (now - this.lastChime < CHIME_GAP_MS) return;
    this.lastChime = now;
    const ctx = this.audio();
    if (ctx === null) return;
    const [first, second] = message.direction === 'above' ? [660, 990] : [990, 660];
    this.note(ctx, 'sine', first, 0, CHIME_NOTE_SECONDS, CHIME_GAIN);
    this.note(ctx, 'sine', second, CHIME_NOTE_SECONDS, CHIME_NOTE_SECONDS, CHIME_GAIN);
    this.chimes++;
  }

  /**
   * A gesture in the panel (a click, a key): audio a browser held back until one (it starts
   * suspended when made before any) may play now.
   */
  unlock(): void {
    if (this.context?.state === 'suspended') void this.context.resume().catch(() => {});
  }

  /** What the sound did, for the debug hook. */
  describe(): { settings: Omit<SoundMessage, 'v' | 'type'>; ticks: number; skipped: number; chimes: number } {
    return { settings: { ...this.settings }, ticks: this.ticks, skipped: this.skipped, chimes: this.chimes };
  }

  private tick(buy: boolean): boolean {
    const ctx = this.audio();
    if (ctx === null) return false;
    if (buy) this.note(ctx, 'triangle', 1320, 0, TICK_SECONDS, TICK_GAIN);
    else this.note(ctx, 'sine', 520, 0, TICK_SECONDS, TICK_GAIN);
    return true;
  }

  /** The page's audio, made on first use (a panel that never sounds never makes one). */
  private audio(): AudioContext | null {
    this.context ??= this.host.createContext();
    // Created before any gesture in the page, it may start suspended.
    if (this.context?.state === 'suspended') void this.context.resume().catch(() => {});
    return this.context;
  }

  /** One note: an oscillator through a gain with a quick attack and an exponential decay. */
  private note(ctx: AudioContext, type: OscillatorType, hz: number, delay: number, seconds: number, loudness: number): void {
    const start = ctx.currentTime + delay;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = type;
    osc.frequency.setValueAtTime(hz, start);
    const peak = Math.max(0.0001, loudness * this.settings.volume);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(peak, start + 0.005);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + seconds);
    osc.connect(gain);
    gain.connect(ctx.destination);
    osc.start(start);
    osc.stop(start + seconds + 0.01);
  }
}
