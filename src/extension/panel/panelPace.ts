/**
 * How fast one chart panel is fed, from where the user's attention is: the full rate while the
 * panel is the active editor of a focused window (or pinned), the background rate while it is
 * only visible. With power saving off, always the full rate (the behaviour before it existed).
 * No `vscode` import.
 */
import type { PaceMessage } from '../../engine/protocol';

export type PanelPace = Omit<PaceMessage, 'v' | 'type'>;

export interface PaceInputs {
  /** `orderscope.chart.powerSaving`. */
  saving: boolean;
  /** The panel is the active editor and the window is focused. */
  watched: boolean;
  pinned: boolean;
  maxFps: number;
  backgroundFps: number;
}

export function panelPace(inputs: PaceInputs): PanelPace {
  const full = !inputs.saving || inputs.watched || inputs.pinned;
  return {
    fps: full ? inputs.maxFps : Math.min(inputs.backgroundFps, inputs.maxFps),
    watched: inputs.watched,
    pinned: inputs.pinned,
    saving: inputs.saving,
  };
}

export function samePace(a: PanelPace | undefined, b: PanelPace): boolean {
  return a !== undefined && a.fps === b.fps && a.watched === b.watched && a.pinned === b.pinned && a.saving === b.saving;
}
