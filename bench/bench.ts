/**
 * `npm run bench`: every engine figure measured in one process, each next to its peer measured
 * in the same run on the same input. Sections run in order; each returns a partial record of
 * figures, and the last line printed is all of them merged into one JSON object.
 *
 * To add a figure: append a section (a short id, a name and an async function returning its keys).
 * `BENCH_ONLY=<ids, comma-separated>` runs only those sections, e.g. `BENCH_ONLY=light npm run bench`.
 */
import { runBookApplyBench } from './bookApplyBench';
import { runHeatmapBench } from './heatmapBench';
import { runHostBench } from './hostBench';
import { runLightBench } from './lightBench';
import { runCaptureReplayBench } from './captureReplayBench';
import { runFootprintBench } from './footprintBench';
import { printComparison, printFigure, round } from './report';
import { runPanelBench } from './panelBench';
import { measureRecorderEventsPerSec } from './recorderBench';
import { measureReplaySpeedup } from './replayBench';
import { runTradeIngestBench } from './tradeIngestBench';

/** Figures by key, as they appear in the final JSON line. */
export type BenchRecord = Record<string, number>;

export interface BenchSection {
  /** What `BENCH_ONLY` names it by. */
  id: string;
  name: string;
  run: () => Promise<BenchRecord>;
}

const APPLY_GOAL = 10;
const CAPTURE_GOAL = 3;
const HEAP_GOAL_MB = 1;
const TRADES_GOAL_PER_SEC = 20e6;
const REPLAY_GOAL = 500;
const RECORDER_GOAL = 50_000;
const HEATMAP_GOAL_MB = 32;

const sections: BenchSection[] = [
  {
    id: 'book',
    name: 'order book: 1,000,000 level updates (engine OrderBook vs ccxt OrderBook), heap growth',
    run: async () => {
      const f = await runBookApplyBench();
      console.log(`  ${f.updates} updates (${f.trims} of them trims to 1000 levels a side)`);
      printComparison('apply', f.applyPerSec, 'ccxt', f.ccxtApplyPerSec, APPLY_GOAL);
      printFigure('heap growth over 1M updates after warm-up', `${f.heapGrowthMB.toFixed(3)} MB`, `≤ ${HEAP_GOAL_MB} MB`, f.heapGrowthMB <= HEAP_GOAL_MB);
      return {
        applyPerSec: round(f.applyPerSec),
        ccxtApplyPerSec: round(f.ccxtApplyPerSec),
        applyRatio: round(f.applyRatio, 2),
        heapGrowthMB: round(f.heapGrowthMB, 3),
      };
    },
  },
  {
    id: 'capture',
    name: 'capture replay: spot BTCUSDT 0808+0809 raw lines → book + 1m candles (engine vs ccxt binance handler)',
    run: async () => {
      const f = await runCaptureReplayBench();
      console.log(`  ${f.lines} lines: ${f.diffsApplied} diffs applied, ${f.trades} trades into ${f.bars} bars; final books equal`);
      printComparison('lines', f.capturePerSec, 'ccxt', f.ccxtCapturePerSec, CAPTURE_GOAL);
      return {
        capturePerSec: round(f.capturePerSec),
        ccxtCapturePerSec: round(f.ccxtCapturePerSec),
        captureRatio: round(f.captureRatio, 2),
      };
    },
  },
  {
    id: 'trades',
    name: 'trade ingest: 1,000,000 real trades → 1m candles + EMA, SMA, RSI, MACD, Bollinger (engine vs naive object-per-bar chart)',
    run: async () => {
      const f = await runTradeIngestBench();
      console.log(`  ${f.trades} trades into ${f.bars} bars (${(100 * f.samePriceFraction).toFixed(1)}% at the previous trade's price); values equal to 1e-9`);
      printComparison('candles + indicators (CandleSeries + IndicatorSet)', f.tradesPerSec, 'naive', f.naiveTradesPerSec, null);
      printComparison('whole Market.onTrade (+ CVD, tape)', f.marketTradesPerSec, 'naive', f.naiveTradesPerSec, null);
      printFigure('candles + indicators', `${(f.tradesPerSec / 1e6).toFixed(2)}M trades/s`, `≥ ${TRADES_GOAL_PER_SEC / 1e6}M/s`, f.tradesPerSec >= TRADES_GOAL_PER_SEC);
      return {
        tradesPerSec: round(f.tradesPerSec),
        marketTradesPerSec: round(f.marketTradesPerSec),
        naiveTradesPerSec: round(f.naiveTradesPerSec),
        tradesRatio: round(f.tradesRatio, 2),
      };
    },
  },
  {
    id: 'footprint',
    name: 'footprint: 1,000,000 real trades → taker buy/sell per 1m bar and tick (engine FootprintBars vs a Map per bar and tick)',
    run: async () => {
      const f = await runFootprintBench();
      console.log(`  ${f.trades} trades into ${f.bars} bars; every held cell equal to the Map footprint's`);
      printComparison('footprint', f.footprintTradesPerSec, 'Map', f.naiveFootprintTradesPerSec, null);
      printFigure('footprint memory at the end', `${f.footprintMB.toFixed(2)} MB (Map: ${f.naiveFootprintMB.toFixed(1)} MB, every bar kept)`, `≤ its budget ${f.footprintBudgetMB.toFixed(2)} MB`, f.footprintMB <= f.footprintBudgetMB);
      return {
        footprintTradesPerSec: round(f.footprintTradesPerSec),
        naiveFootprintTradesPerSec: round(f.naiveFootprintTradesPerSec),
        footprintRatio: round(f.footprintRatio, 2),
        footprintMB: round(f.footprintMB, 2),
        naiveFootprintMB: round(f.naiveFootprintMB, 1),
      };
    },
  },
  {
    id: 'replay',
    name: 'replay: spot BTCUSDT capture at maximum speed, decode + book + candles + indicators (times real time)',
    run: async () => {
      const speedup = await measureReplaySpeedup();
      printFigure('replay speed-up over real time', `${speedup.toFixed(0)}×`, `≥ ${REPLAY_GOAL}×`, speedup >= REPLAY_GOAL);
      return { replaySpeedup: round(speedup, 1) };
    },
  },
  {
    id: 'recorder',
    name: 'recorder: trade and book events into the order-flow SQLite database',
    run: async () => {
      const perSec = await measureRecorderEventsPerSec();
      printFigure('recorder', `${Math.round(perSec)} events/s`, `≥ ${RECORDER_GOAL}`, perSec >= RECORDER_GOAL);
      return { recorderEventsPerSec: round(perSec) };
    },
  },
  {
    id: 'heatmap',
    name: 'liquidity heatmap: two hours of 1 s slices on BTCUSDT (the spot and USD-M captures looped, time-shifted) vs a naive full window per second',
    run: async () => {
      const f = await runHeatmapBench();
      console.log(`  ${f.loops} loops: ${f.slices} slices held (${f.gapSlices} gaps), ${f.records} runs`);
      printFigure('heatmap host memory, 2 h at 1 s', `${f.heatmapHostMB.toFixed(1)} MB (typed arrays ${f.heatmapStoreMB.toFixed(1)} MB; naive ${f.naiveHeatmapMB.toFixed(0)} MB)`, `≤ ${HEATMAP_GOAL_MB} MB`, f.heatmapHostMB <= HEATMAP_GOAL_MB);
      printFigure('the same from the USD-M perpetual (depth@0ms)', `${f.heatmapHostMBUsdm.toFixed(1)} MB, ${f.slicesUsdm} slices held, ${f.recordsUsdm} runs (naive ${f.naiveHeatmapMBUsdm.toFixed(0)} MB)`, `≤ ${HEATMAP_GOAL_MB} MB`, f.heatmapHostMBUsdm <= HEATMAP_GOAL_MB);
      console.log(`  sampling: ${f.heatmapSampleUs.toFixed(1)} µs a slice; reading the 2 h as 1000 × 400 cells: ${f.heatmapRead2hMs.toFixed(1)} ms`);
      printFigure('garbage collections while sampling 20,000 slices at the store\'s bounds', `${f.heatmapSampleGcs}`, '0 (nothing allocated)', f.heatmapSampleGcs === 0);
      return {
        heatmapHostMB: round(f.heatmapHostMB, 2),
        heatmapStoreMB: round(f.heatmapStoreMB, 2),
        naiveHeatmapMB: round(f.naiveHeatmapMB, 1),
        heatmapRead2hMs: round(f.heatmapRead2hMs, 2),
        heatmapSampleUs: round(f.heatmapSampleUs, 1),
        heatmapHostMBUsdm: round(f.heatmapHostMBUsdm, 2),
        naiveHeatmapMBUsdm: round(f.naiveHeatmapMBUsdm, 1),
        heatmapSampleGcs: f.heatmapSampleGcs,
      };
    },
  },
  {
    id: 'panel',
    name: 'chart panel in headless Chromium: 1000 trades/s + 10 book updates/s, pointer over the chart (ack-paced frames vs naive per-message update + full JSON); then heatmap + footprint on',
    run: async () => {
      const f = await runPanelBench();
      printFigure('panel fps, 10k bars', `${f.panelFps10k} (p99 ${f.panelP99Ms10k} ms)`, '≥ 55 fps, p99 ≤ 20 ms', f.panelFps10k! >= 55 && f.panelP99Ms10k! <= 20);
      printFigure('panel fps, 100k bars', `${f.panelFps100k}`, '≥ 50 fps', f.panelFps100k! >= 50);
      printFigure('frame build p99', `${f.frameBuildP99Ms} ms`, '≤ 0.5 ms', f.frameBuildP99Ms! <= 0.5);
      printFigure(
        'panel fps, 10k bars, heatmap + footprint on, bars ≥ 60 px (footprint cells drawn)',
        `${f.panelFpsOrderFlow10k} (p99 ${f.panelP99MsOrderFlow10k} ms; layers off: ${f.panelFps10k}, p99 ${f.panelP99Ms10k} ms)`,
        '≥ 55 fps, p99 ≤ 20 ms',
        f.panelFpsOrderFlow10k! >= 55 && f.panelP99MsOrderFlow10k! <= 20,
      );
      printFigure(
        'panel fps, 10k bars, heatmap + footprint on, default zoom',
        `${f.panelFpsOrderFlowWide10k} (p99 ${f.panelP99MsOrderFlowWide10k} ms)`,
        '≥ 55 fps, p99 ≤ 20 ms',
        f.panelFpsOrderFlowWide10k! >= 55 && f.panelP99MsOrderFlowWide10k! <= 20,
      );
      printFigure('frame build p99, heatmap + footprint on', `${f.frameBuildP99MsOrderFlow} ms (off: ${f.frameBuildP99Ms} ms)`, '≤ 0.5 ms', f.frameBuildP99MsOrderFlow! <= 0.5);
      // Wall time counts the waits of a build whose core the browser took; CPU time is its own cost.
      console.log(`  frame build p99 in CPU time: ${f.frameBuildCpuP99MsOrderFlow} ms with heatmap + footprint, ${f.frameBuildCpuP99Ms} ms without`);
      printFigure('median frame bytes / init bytes', `${f.bytesPerFrameRatio}`, '≤ 0.05', f.bytesPerFrameRatio! <= 0.05);
      console.log(`  naive baseline: ${f.naivePanelFps10k} fps at 10k bars, frame/init bytes ${f.naiveBytesPerFrameRatio}`);
      return f;
    },
  },
  {
    id: 'light',
    name: 'CPU of Orderscope in a real VS Code (code-server): renderer, GPU process and extension host above the same window without it; focused, corner, hidden, tickers; power saving on vs off',
    run: async () => {
      const f = await runLightBench();
      printFigure('panel renderer, focused (pointer over the chart)', `${f.panelCpuFocusedPct}% (full: ${f.panelCpuFocusedPctBefore}%)`, '≤ 25%', f.panelCpuFocusedPct! <= 25);
      printFigure('panel renderer, corner (typing in another group)', `${f.panelCpuCornerPct}% (full: ${f.panelCpuCornerPctBefore}%)`, '≤ 8%', f.panelCpuCornerPct! <= 8);
      console.log(`  the same visible panel with nothing arriving (the exchange paused: VS Code's webview and its compositing alone): ${f.panelCpuCornerIdlePct}%`);
      printFigure('panel renderer, hidden', `${f.panelCpuHiddenPct}% (full: ${f.panelCpuHiddenPctBefore}%)`, '≤ 1%', f.panelCpuHiddenPct! <= 1);
      printFigure('extension host, one chart + five tickers', `${f.hostCpuPct}% (full: ${f.hostCpuPctBefore}%)`, '≤ 3%', f.hostCpuPct! <= 3);
      return f;
    },
  },
  {
    id: 'host',
    // Last: it packages the extension, which rebuilds dist/.
    name: 'extension in a real VS Code (code-server): activation time, extension host heap with one chart and five tickers live',
    run: async () => {
      const f = await runHostBench();
      printFigure('activation', `${f.activationMs.toFixed(1)} ms`, '≤ 50 ms', f.activationMs <= 50);
      printFigure('extension host heap, one chart + five tickers', `${f.hostHeapMB.toFixed(1)} MB`, '', true);
      return { activationMs: round(f.activationMs, 1), hostHeapMB: round(f.hostHeapMB, 1) };
    },
  },
];

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').map((id) => id.trim()).filter((id) => id !== '');
  const unknown = only?.filter((id) => !sections.some((section) => section.id === id)) ?? [];
  if (unknown.length > 0) throw new Error(`BENCH_ONLY names no section ${unknown.join(', ')}; the sections are ${sections.map((section) => section.id).join(', ')}`);
  const record: BenchRecord = {};
  for (const section of sections) {
    if (only !== undefined && only.length > 0 && !only.includes(section.id)) continue;
    console.log(`== ${section.name}`);
    const started = performance.now();
    Object.assign(record, await section.run());
    console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  }
  console.log(JSON.stringify(record));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
