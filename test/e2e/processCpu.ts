/**
 * CPU time of groups of processes read from /proc (Linux): the Chromium renderers and GPU process
 * that Playwright started, and the extension host code-server started. A window's figure is the
 * CPU seconds its processes spent over the wall seconds it lasted, in % of one core.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { descendantsOf } from '../../scripts/e2e/codeServer.mjs';

/** Clock ticks per second of /proc/PID/stat's utime and stime (`getconf CLK_TCK`, usually 100). */
export const CLOCK_TICKS_PER_SEC = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** utime + stime of a process (all its threads) in ticks, or null when it has ended. */
export function cpuTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** The command line of a process, arguments joined by spaces ('' when it has ended). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Descendants of `rootPid` whose command line contains `needle`. */
export function descendantsWith(rootPid: number, needle: string): number[] {
  return descendantsOf(rootPid).filter((pid) => commandLine(pid).includes(needle));
}

/** A named group of processes, looked up again at each reading (renderers come and go). */
export interface ProcessGroup {
  name: string;
  pids: () => number[];
}

/** Ticks by pid of every process of each group, at one instant. */
export type CpuReading = Map<string, Map<number, number>>;

export function readCpu(groups: readonly ProcessGroup[]): CpuReading {
  const reading: CpuReading = new Map();
  for (const group of groups) {
    const ticks = new Map<number, number>();
    for (const pid of group.pids()) {
      const value = cpuTicks(pid);
      if (value !== null) ticks.set(pid, value);
    }
    reading.set(group.name, ticks);
  }
  return reading;
}

/**
 * % of one core each group used between two readings `wallMs` apart. A process that started in
 * between counts from zero; one that ended in between is lost (its last ticks are unknown).
 */
export function cpuPercent(before: CpuReading, after: CpuReading, wallMs: number): Map<string, number> {
  const percent = new Map<string, number>();
  for (const [name, ticks] of after) {
    const start = before.get(name) ?? new Map<number, number>();
    let spent = 0;
    for (const [pid, value] of ticks) spent += value - (start.get(pid) ?? 0);
    percent.set(name, (100 * spent) / CLOCK_TICKS_PER_SEC / (wallMs / 1000));
  }
  return percent;
}
