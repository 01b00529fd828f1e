/**
 * The connection badge: live, stale (with the age of the last message, counted on locally
 * between host updates), reconnecting, resyncing, replay speed, paused, error, closed.
 */
import type { StatusInfo } from '../../src/engine/protocol';

export class StatusBadge {
  readonly root: HTMLElement;
  private status: StatusInfo = { state: 'connecting', detail: '', value: 0 };
  private receivedAt = 0;
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor(doc: Document) {
    this.root = doc.createElement('span');
    this.root.setAttribute('role', 'status');
    this.show(this.status, performance.now());
  }

  /** A new status from the host, received at `now` (performance.now()). */
  show(status: StatusInfo, now: number): void {
    this.status = status;
    this.receivedAt = now;
    this.render();
    // A stale badge ages by itself; nothing else needs a timer.
    if (status.state === 'stale' && this.ticker === null) this.ticker = setInterval(() => this.render(), 1000);
    if (status.state !== 'stale' && this.ticker !== null) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  private render(): void {
    const s = this.status;
    const text = badgeText(s, performance.now() - this.receivedAt);
    const cls = `badge state-${s.state}`;
    if (this.root.textContent !== text) this.root.textContent = text;
    if (this.root.className !== cls) this.root.className = cls;
    const title = s.detail === '' ? text : s.detail;
    if (this.root.title !== title) this.root.title = title;
  }
}

/** The badge's text for `status`, `sinceMs` after it arrived. */
export function badgeText(status: StatusInfo, sinceMs: number): string {
  switch (status.state) {
    case 'live':
      return '● live';
    case 'stale':
      return `stale ${Math.round((status.value + Math.max(0, sinceMs)) / 1000)} s`;
    case 'replay':
      return `▶ replay ${status.value > 0 ? `${+status.value.toFixed(2)}×` : ''}`.trim();
    case 'reconnecting':
      return status.detail !== '' ? status.detail : 'reconnecting…';
    case 'resyncing':
      return 'resyncing book…';
    case 'connecting':
      return 'connecting…';
    case 'paused':
      return '❚❚ paused';
    case 'error':
      return status.detail !== '' ? `error: ${status.detail}` : 'error';
    case 'finished':
      return '■ replay finished';
    case 'closed':
      return 'closed';
  }
}
