/**
 * The footprint backfill's progress across the top of the chart: a thin bar filled to the share
 * of older bars done, with "Footprint backfill 40%" beside it, or the reason when it failed; gone
 * when it is done. Shown only while a layer that reads footprints (footprint, volume profile) is
 * on: otherwise it would report on something the chart does not show. Writes the DOM only when
 * what it shows changes.
 */
import type { BackfillProgress } from '../../src/engine/protocol';

export class BackfillBar {
  readonly root: HTMLElement;
  private readonly fill: HTMLElement;
  private readonly text: HTMLElement;
  private progress: BackfillProgress | undefined;
  private layerOn = false;
  private shownKey = '';

  constructor(doc: Document) {
    this.root = doc.createElement('div');
    this.root.className = 'backfill-bar';
    this.root.setAttribute('role', 'progressbar');
    this.root.setAttribute('aria-valuemin', '0');
    this.root.setAttribute('aria-valuemax', '100');
    this.root.hidden = true;
    const track = doc.createElement('div');
    track.className = 'track';
    this.fill = doc.createElement('div');
    this.fill.className = 'fill';
    track.append(this.fill);
    this.text = doc.createElement('span');
    this.text.className = 'text';
    this.root.append(track, this.text);
  }

  /** The status's backfill (undefined: none running, none failed). */
  setProgress(progress: BackfillProgress | undefined): void {
    this.progress = progress;
    this.render();
  }

  /** Whether a layer that reads footprints is on. */
  setLayerOn(on: boolean): void {
    this.layerOn = on;
    this.render();
  }

  private render(): void {
    const p = this.layerOn ? this.progress : undefined;
    const percent = p === undefined ? 0 : Math.round(p.done * 100);
    const key = p === undefined ? '' : `${percent}|${p.failure}`;
    if (key === this.shownKey) return;
    this.shownKey = key;
    this.root.hidden = p === undefined;
    if (p === undefined) return;
    const failed = p.failure !== '';
    this.root.classList.toggle('failed', failed);
    this.root.setAttribute('aria-valuenow', String(percent));
    this.fill.style.width = `${percent}%`;
    this.text.textContent = failed ? `Footprint backfill failed: ${p.failure}` : `Footprint backfill ${percent}%`;
  }
}
