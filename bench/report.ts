/**
 * How the benchmark prints a figure: ours, the peer measured in the same run, their ratio and the
 * goal, one line each, so a reader sees every number next to what it is compared with.
 */

/** `12.3M/s`, `456k/s`, `789/s`. */
export function formatRate(perSec: number): string {
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)}M/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)}k/s`;
  return `${perSec.toFixed(0)}/s`;
}

/** Prints `label: ours vs peer-name peer = ratio× (goal …: met|MISSED)`. */
export function printComparison(
  label: string,
  ours: number,
  peerName: string,
  peer: number,
  goalRatio: number | null,
): void {
  const ratio = ours / peer;
  const goal = goalRatio === null ? '' : `  (goal ≥ ${goalRatio}×: ${ratio >= goalRatio ? 'met' : 'MISSED'})`;
  console.log(`  ${label}: ${formatRate(ours)} vs ${peerName} ${formatRate(peer)} = ${ratio.toFixed(2)}×${goal}`);
}

/** Prints one figure with its goal, e.g. `heap growth: 0.002 MB (goal ≤ 1 MB: met)`. */
export function printFigure(label: string, text: string, goal: string, met: boolean): void {
  console.log(`  ${label}: ${text}  (goal ${goal}: ${met ? 'met' : 'MISSED'})`);
}

/** Rounds a figure for the final JSON line: rates to integers, ratios and sizes to 3 decimals. */
export function round(x: number, decimals = 0): number {
  const scale = 10 ** decimals;
  return Math.round(x * scale) / scale;
}
