/**
 * `npm run verify -- [--candles TF] [--footprint TF] FILE...`: replays Binance captures through the
 * engine and prints one JSON line of checks, then (with --candles) one JSON line per closed bar (a
 * bar is closed once an event's exchange time reaches its end), then (with --footprint) one line
 * per closed bar: `{"t":ms,"fp":[[price,buyQty,sellQty],...]}` at the exchange's own prices,
 * ascending.
 * Problems (malformed lines, damaged files) go to stderr with file and line; the replay goes on.
 */
import { parseChartTimeframe, TimeframeError, type ChartTimeframe } from '../engine/candles/timeframe';
import { verifyCaptures } from './verifyCaptures';

const USAGE = 'usage: npm run verify -- [--candles TF] [--footprint TF] FILE...  (TF one of 1s 1m 3m 5m 15m 30m 1h 2h 4h 1d 1w, or N trades as Nt, N volume as Nv; both the same)';

async function main(argv: string[]): Promise<number> {
  let candles: ChartTimeframe | null = null;
  let footprint: ChartTimeframe | null = null;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--candles' || arg === '--footprint') {
      const tf = parseChartTimeframe(argv[++i]);
      if (tf instanceof TimeframeError) {
        process.stderr.write(`verify: ${tf.message}\n${USAGE}\n`);
        return 2;
      }
      if (arg === '--candles') candles = tf;
      else footprint = tf;
    } else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    } else if (arg.startsWith('--')) {
      process.stderr.write(`verify: unknown option ${arg}\n${USAGE}\n`);
      return 2;
    } else files.push(arg);
  }
  if (files.length === 0) {
    process.stderr.write(`verify: no capture files given\n${USAGE}\n`);
    return 2;
  }
  if (candles && footprint && candles !== footprint) {
    process.stderr.write(`verify: --candles ${candles} and --footprint ${footprint} must be the same timeframe\n${USAGE}\n`);
    return 2;
  }
  const result = await verifyCaptures(files, { candles, footprint, onProblem: (m) => process.stderr.write(`verify: ${m}\n`) });
  process.stdout.write(`${JSON.stringify(result.summary)}\n`);
  const bars = result.closedBars;
  if (bars) {
    for (let i = 0; i < bars.count; i++) {
      const row = {
        t: bars.openTime[i],
        o: bars.open[i],
        h: bars.high[i],
        l: bars.low[i],
        c: bars.close[i],
        v: bars.volume[i],
        qv: bars.quoteVolume[i],
        n: bars.tradeCount[i],
        tbv: bars.takerBuyVolume[i],
      };
      process.stdout.write(`${JSON.stringify(row)}\n`);
    }
  }
  for (const line of result.footprints ?? []) process.stdout.write(`${JSON.stringify(line)}\n`);
  return result.problems.length > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`verify: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
