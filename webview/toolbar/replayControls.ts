/**
 * The replay's controls in the toolbar, shown only while the panel's market is a replay: pause
 * or resume (❚❚ / ▶), the speed, and where the replay stands (time / end, UTC) on a slider the
 * user drags to jump. They only report choices; the host's `replay` messages say what is.
 */
import { REPLAY_SPEEDS, type ReplayMessage } from '../../src/engine/protocol';

export interface ReplayControlEvents {
  pause(): void;
  resume(): void;
  /** Market ms per wall ms; 0: as fast as possible. */
  speed(speed: number): void;
  /** Exchange ms. */
  seek(time: number): void;
}

/** The replay's state without its envelope. */
export type ReplayPosition = Omit<ReplayMessage, 'v' | 'type'>;

export class ReplayControls {
  readonly root: HTMLElement;
  private readonly playButton: HTMLButtonElement;
  private readonly speedSelect: HTMLSelectElement;
  private readonly slider: HTMLInputElement;
  private readonly position: HTMLElement;
  private paused = false;
  /** The user is dragging the slider: the host's position does not move it meanwhile. */
  private dragging = false;

  constructor(doc: Document, events: ReplayControlEvents) {
    this.root = doc.createElement('div');
    this.root.className = 'group replay';
    this.root.hidden = true;

    this.playButton = doc.createElement('button');
    this.playButton.className = 'replay-play';
    this.playButton.addEventListener('click', () => (this.paused ? events.resume() : events.pause()));

    this.speedSelect = doc.createElement('select');
    this.speedSelect.className = 'replay-speed';
    this.speedSelect.title = 'Replay speed';
    this.speedSelect.setAttribute('aria-label', 'Replay speed');
    for (const speed of REPLAY_SPEEDS) {
      const o = doc.createElement('option');
      o.value = String(speed);
      o.textContent = speedText(speed);
      this.speedSelect.append(o);
    }
    this.speedSelect.addEventListener('change', () => events.speed(Number(this.speedSelect.value)));

    this.slider = doc.createElement('input');
    this.slider.type = 'range';
    this.slider.className = 'replay-seek';
    this.slider.title = 'Jump to a time of the recording';
    this.slider.setAttribute('aria-label', 'Replay position');
    this.slider.step = '1000';
    this.slider.addEventListener('input', () => {
      this.dragging = true;
      this.position.textContent = `${utcClock(Number(this.slider.value))} / ${utcClock(Number(this.slider.max))}`;
    });
    this.slider.addEventListener('change', () => {
      this.dragging = false;
      events.seek(Number(this.slider.value));
    });

    this.position = doc.createElement('span');
    this.position.className = 'replay-position';
    this.root.append(this.playButton, this.speedSelect, this.slider, this.position);
    this.show(null);
  }

  /** Shows the replay's state; null: the panel shows no replay (the controls hide). */
  show(replay: ReplayPosition | null): void {
    this.root.hidden = replay === null;
    if (replay === null) return;
    this.paused = replay.paused || replay.finished;
    const b = this.playButton;
    b.textContent = this.paused ? '▶' : '❚❚';
    b.title = replay.finished ? 'The replay finished (jump back to play again)' : this.paused ? 'Resume the replay' : 'Pause the replay';
    b.setAttribute('aria-label', b.title);
    b.disabled = replay.finished;
    if (!REPLAY_SPEEDS.includes(replay.speed)) {
      const o = this.root.ownerDocument.createElement('option');
      o.value = String(replay.speed);
      o.textContent = speedText(replay.speed);
      this.speedSelect.append(o);
    }
    this.speedSelect.value = String(replay.speed);
    const { time, start, end } = replay;
    const known = time !== null && start !== null && end !== null;
    this.slider.disabled = !known;
    if (known && !this.dragging) {
      this.slider.min = String(start);
      this.slider.max = String(Math.max(end, time));
      this.slider.value = String(time);
    }
    const endText = end === null ? '…' : `${replay.finished ? '' : '≈'}${utcClock(end)}`;
    const state = replay.finished ? ' · finished' : replay.seeking ? ' · jumping…' : '';
    if (!this.dragging) this.position.textContent = time === null ? 'starting…' : `${utcClock(time)} / ${endText}${state}`;
    this.position.title = time === null ? '' : `${new Date(time).toISOString().replace('T', ' ').slice(0, 23)} UTC`;
  }
}

function speedText(speed: number): string {
  return speed === 0 ? 'max' : `${speed}×`;
}

/** HH:MM:SS in UTC (the recording's exchange clock). */
function utcClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}
