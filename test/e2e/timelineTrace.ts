/**
 * A Chromium performance trace (the DevTools timeline categories) recorded through a CDP session
 * of a page, and where its time went: self time of each trace event, summed by kind of work
 * (script, style, layout, paint, raster, other) over the renderer and GPU processes' threads.
 * Tracing is browser-wide: a page's session records every process, the GPU process included.
 */
import type { CDPSession } from 'playwright-core';

/** One event of Chrome's trace event format (the fields used here). */
interface TraceEvent {
  pid: number;
  tid: number;
  ts: number;
  ph: string;
  name: string;
  dur?: number;
  args?: { name?: string };
}

export const WORK_KINDS = ['script', 'style', 'layout', 'paint', 'raster', 'other'] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

/** The threads a breakdown is summed over, by role. */
export const THREAD_ROLES = ['main', 'compositor', 'raster', 'gpu'] as const;
export type ThreadRole = (typeof THREAD_ROLES)[number];

export interface TraceBreakdown {
  /** Wall milliseconds the trace covered. */
  wallMs: number;
  /** Self time per wall second (ms/s), by kind of work, over every thread with a role. */
  msPerSec: Record<WorkKind, number>;
  /** Self time per wall second (ms/s) of each role's threads. */
  byRole: Record<ThreadRole, number>;
  /** `FireAnimationFrame` events per second over every renderer (workbench and webviews). */
  animationFramesPerSec: number;
  /** Renderer processes that appear in the trace. */
  rendererProcesses: number;
  /** The events with the most self time (ms/s), with their thread role and kind, most first. */
  top: { name: string; role: ThreadRole; kind: WorkKind; msPerSec: number }[];
}

const SCRIPT = /^(FunctionCall|EvaluateScript|TimerFire|FireAnimationFrame|RunMicrotasks|EventDispatch|FireIdleCallback|XHRReadyStateChange|XHRLoad|MinorGC|MajorGC|GCEvent|BlinkGC\..*|CompileScript|CompileCode|CacheScript|CacheModule|v8\..*|V8\..*)$/;
const STYLE = /^(UpdateLayoutTree|RecalculateStyles|ParseAuthorStyleSheet|InvalidateLayout|ScheduleStyleRecalculation)$/;
const LAYOUT = /^(Layout|UpdateLayerTree|UpdateLayer|PrePaint|HitTest|ComputeIntersections|IntersectionObserverController::computeIntersections)$/;
const PAINT = /^(Paint|PaintImage|PaintSetup|Layerize|CompositeLayers|Commit|ScrollLayer)$/;
const RASTER = /^(RasterTask|Rasterize|GPUTask|DecodeImage|Decode Image|ImageDecodeTask|Draw LazyPixelRef|Decode LazyPixelRef)$/;

function kindOf(name: string, role: ThreadRole): WorkKind {
  // The GPU process's own tasks compose and draw the frames (software, with --disable-gpu).
  if (role === 'gpu') return name === 'RunTask' || name === 'ThreadControllerImpl::RunTask' ? 'other' : 'raster';
  if (SCRIPT.test(name)) return 'script';
  if (STYLE.test(name)) return 'style';
  if (LAYOUT.test(name)) return 'layout';
  if (PAINT.test(name)) return 'paint';
  if (RASTER.test(name)) return 'raster';
  return 'other';
}

function roleOf(processName: string, threadName: string): ThreadRole | null {
  if (processName === 'GPU Process') return 'gpu';
  if (processName !== 'Renderer') return null;
  if (threadName === 'CrRendererMain') return 'main';
  if (threadName === 'Compositor') return 'compositor';
  if (threadName.startsWith('CompositorTileWorker')) return 'raster';
  return null;
}

/** Records a trace for `durationMs` while the page does what it does; returns its raw events. */
export async function recordTrace(session: CDPSession, durationMs: number): Promise<{ events: TraceEvent[]; wallMs: number }> {
  const events: TraceEvent[] = [];
  const onData = (data: { value: object[] }): void => {
    for (const event of data.value) events.push(event as TraceEvent);
  };
  session.on('Tracing.dataCollected', onData);
  try {
    const complete = new Promise<void>((resolve) => session.once('Tracing.tracingComplete', () => resolve()));
    await session.send('Tracing.start', {
      transferMode: 'ReportEvents',
      traceConfig: { recordMode: 'recordAsMuchAsPossible', includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'viz', 'gpu', '__metadata'] },
    });
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    const wallMs = performance.now() - started;
    await session.send('Tracing.end');
    await complete;
    return { events, wallMs };
  } finally {
    session.off('Tracing.dataCollected', onData);
  }
}

/**
 * Self time (an event's duration minus its children's on the same thread) by kind of work, over
 * the renderer main, compositor and raster threads and every thread of the GPU process (whose
 * traced work, compositing and drawing frames, counts as raster; its untraced task time as other).
 */
export function breakdown(events: readonly TraceEvent[], wallMs: number): TraceBreakdown {
  const processNames = new Map<number, string>();
  const threadNames = new Map<string, string>();
  for (const event of events) {
    if (event.ph !== 'M') continue;
    if (event.name === 'process_name') processNames.set(event.pid, event.args?.name ?? '');
    if (event.name === 'thread_name') threadNames.set(`${event.pid}:${event.tid}`, event.args?.name ?? '');
  }
  // Complete events per thread; begin/end pairs turned into complete events.
  const byThread = new Map<string, { ts: number; dur: number; name: string }[]>();
  const open = new Map<string, TraceEvent[]>();
  let animationFrames = 0;
  for (const event of events) {
    if (event.name === 'FireAnimationFrame' && (event.ph === 'X' || event.ph === 'B')) animationFrames += 1;
    const key = `${event.pid}:${event.tid}`;
    let list = byThread.get(key);
    if (list === undefined) byThread.set(key, (list = []));
    if (event.ph === 'X' && event.dur !== undefined) list.push({ ts: event.ts, dur: event.dur, name: event.name });
    else if (event.ph === 'B') {
      let stack = open.get(key);
      if (stack === undefined) open.set(key, (stack = []));
      stack.push(event);
    } else if (event.ph === 'E') {
      const begin = open.get(key)?.pop();
      if (begin !== undefined) list.push({ ts: begin.ts, dur: event.ts - begin.ts, name: begin.name });
    }
  }
  const msPerSec = Object.fromEntries(WORK_KINDS.map((kind) => [kind, 0])) as Record<WorkKind, number>;
  const byRole = Object.fromEntries(THREAD_ROLES.map((role) => [role, 0])) as Record<ThreadRole, number>;
  const renderers = new Set<number>();
  const byName = new Map<string, { name: string; role: ThreadRole; kind: WorkKind; msPerSec: number }>();
  for (const [key, list] of byThread) {
    const pid = Number(key.split(':')[0]);
    const role = roleOf(processNames.get(pid) ?? '', threadNames.get(key) ?? '');
    if (processNames.get(pid) === 'Renderer') renderers.add(pid);
    if (role === null) continue;
    // Parents before children: by start, the longer first at equal start.
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    const stack: { end: number; self: number; name: string }[] = [];
    const close = (entry: { self: number; name: string }): void => {
      const ms = Math.max(0, entry.self) / 1000;
      const kind = kindOf(entry.name, role);
      msPerSec[kind] += ms;
      byRole[role] += ms;
      const named = `${role}:${entry.name}`;
      const total = byName.get(named);
      if (total === undefined) byName.set(named, { name: entry.name, role, kind, msPerSec: ms });
      else total.msPerSec += ms;
    };
    for (const event of list) {
      while (stack.length > 0 && stack[stack.length - 1]!.end <= event.ts) close(stack.pop()!);
      const parent = stack[stack.length - 1];
      if (parent !== undefined) parent.self -= Math.min(event.dur, parent.end - event.ts);
      stack.push({ end: event.ts + event.dur, self: event.dur, name: event.name });
    }
    while (stack.length > 0) close(stack.pop()!);
  }
  const perSec = 1000 / wallMs;
  for (const kind of WORK_KINDS) msPerSec[kind] *= perSec;
  for (const role of THREAD_ROLES) byRole[role] *= perSec;
  const top = [...byName.values()].sort((a, b) => b.msPerSec - a.msPerSec).slice(0, 8);
  for (const entry of top) entry.msPerSec *= perSec;
  return { wallMs, msPerSec, byRole, animationFramesPerSec: animationFrames * perSec, rendererProcesses: renderers.size, top };
}
