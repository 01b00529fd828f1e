import { Bench } from 'tinybench';

export interface TaskSpec {
  name: string;
  /** One iteration: the whole workload, e.g. 1M updates. */
  run: () => void;
  /** Runs untimed before each iteration (resets state). */
  beforeEach?: () => void;
}

/**
 * Times each task with tinybench in one process and returns the median ms per iteration.
 * Peers are measured in the same run, so ratios survive machine noise better than absolutes.
 */
export async function medianMs(tasks: TaskSpec[], iterations = 7): Promise<Map<string, number>> {
  const bench = new Bench({ iterations, time: 0, warmupIterations: 2, warmupTime: 0 });
  for (const task of tasks) {
    bench.add(task.name, task.run, task.beforeEach ? { beforeEach: task.beforeEach } : {});
  }
  await bench.run();
  const out = new Map<string, number>();
  for (const task of bench.tasks) {
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`benchmark task ${task.name} did not complete: ${result.state}`);
    out.set(task.name, result.latency.p50);
  }
  return out;
}
