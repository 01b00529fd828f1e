/**
 * What the user types in Jump to Time: a UTC time of day (`23:58`, `00:01:30`), a UTC date and
 * time (`2024-08-08 23:58:30`), or an offset from where the replay stands (`+10m`, `-30s`,
 * `+1h30m`). Checked against the recording's span. Pure (no VS Code), so it is unit tested.
 */

/** The span a jump must land in, exchange ms. */
export interface ReplaySpan {
  /** Where the replay stands now. */
  now: number;
  /** The recording's first time. */
  start: number;
  /** Its last time when known (the replay finished), else NaN. */
  end: number;
}

const DAY_MS = 86_400_000;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** The exchange time `text` means, or why it cannot be jumped to (a message for the input box). */
export function parseReplayTime(text: string, span: ReplaySpan): number | string {
  const input = text.trim();
  const time = readTime(input, span);
  if (typeof time === 'string') return time;
  if (time < span.start) return `The recording starts at ${utc(span.start)}`;
  if (time > span.end) return `The recording ends at ${utc(span.end)}`;
  return time;
}

function readTime(input: string, span: ReplaySpan): number | string {
  const offset = /^([+-])((?:\d+(?:\.\d+)?[hms])+)$/i.exec(input);
  if (offset) {
    let ms = 0;
    for (const part of offset[2]!.matchAll(/(\d+(?:\.\d+)?)([hms])/gi)) ms += Number(part[1]) * UNIT_MS[part[2]!.toLowerCase()]!;
    return span.now + (offset[1] === '-' ? -ms : ms);
  }
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/.exec(input);
  if (clock) {
    const [h, m, s] = [Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0)];
    if (h > 23 || m > 59 || s >= 60) return `${input} is not a time of day (HH:MM or HH:MM:SS)`;
    const ofDay = ((h * 60 + m) * 60 + s) * 1000;
    // A recording may cross midnight: the day that puts the time inside the recording, else the
    // one nearest to where the replay stands.
    const base = Math.floor(span.now / DAY_MS) * DAY_MS + ofDay;
    const days = [base - DAY_MS, base, base + DAY_MS];
    return days.find((t) => t >= span.start && !(t > span.end)) ?? days.reduce((a, b) => (Math.abs(b - span.now) < Math.abs(a - span.now) ? b : a));
  }
  const dated = /^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(input) ? Date.parse(`${input.replace(' ', 'T')}Z`) : NaN;
  if (Number.isFinite(dated)) return dated;
  return 'Type a UTC time (23:58:30 or 2024-08-08 23:58:30) or an offset (+10m, -30s, +1h30m)';
}

/** `2024-08-08 23:58:30 UTC`. */
export function utc(ms: number): string {
  return `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}
