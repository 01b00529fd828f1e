/**
 * Runs INSIDE the extension host for bench/hostBench.ts: how long Orderscope's `activate()`
 * took, how long its bundle takes to load, and the extension host's heap after a full GC once
 * one chart and the status-bar tickers are live (the bench side watches the window and signals
 * "live").
 * Prints one line: `[in-host] host-bench {...}`.
 */
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import { waitForSignal } from './hostSupport';

declare const IN_HOST_PARAMS: { signalDir: string; chart: { exchange: string; symbol: string }; samples: number };

const EXTENSION_ID = 'orderscope.orderscope';
const MB = 1024 * 1024;

// The host runs without --expose-gc; the flag can still be set at run time for a new context.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Heap in use after a full garbage collection: what the host retains. */
function heapUsedMB(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed / MB;
}

/** Median of `count` samples a quarter second apart (live feeds allocate between them). */
async function medianHeapMB(count: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    samples.push(heapUsedMB());
  }
  samples.sort((a, b) => a - b);
  return samples[count >> 1]!;
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<{ activationMs: number }>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed in this extension host`);
  // Before activate(): the host with its built-in extensions (and Orderscope, if startup activated it first).
  const activeAtStart = extension.isActive;
  const heapAtStartMB = heapUsedMB();
  const { activationMs } = await extension.activate();

  // The bundle's load time, measured on a second copy (the running one stays as it is).
  const bundle = require.resolve(join(extension.extensionPath, 'dist', 'extension.js'));
  const cached = require.cache[bundle];
  delete require.cache[bundle];
  const loadStarted = performance.now();
  require(bundle);
  const codeLoadMs = performance.now() - loadStarted;
  if (cached) require.cache[bundle] = cached;

  const heapBeforeChartMB = await medianHeapMB(IN_HOST_PARAMS.samples);
  await vscode.commands.executeCommand('orderscope.openChart', IN_HOST_PARAMS.chart);
  await waitForSignal(IN_HOST_PARAMS.signalDir, 'live', 120_000);
  const hostHeapMB = await medianHeapMB(IN_HOST_PARAMS.samples);
  const rssMB = process.memoryUsage().rss / MB;
  console.log(`[in-host] host-bench ${JSON.stringify({ activationMs, codeLoadMs, activeAtStart, heapAtStartMB, heapBeforeChartMB, hostHeapMB, rssMB })}`);
}
