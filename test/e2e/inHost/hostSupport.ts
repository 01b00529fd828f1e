/**
 * What the in-host suites share: named checks that each log one `[in-host]` line, condition
 * waits, signals from the vitest side (files in `IN_HOST_PARAMS.signalDir`), and the
 * extension's Output-channel log file. Runs inside the extension host (node, `vscode` external).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type Check = readonly [name: string, body: () => Promise<void>];

/** Runs every check, logging `ok`/`FAIL` per check and a summary; rejects when any failed. */
export async function runChecks(checks: readonly Check[]): Promise<void> {
  const failures: string[] = [];
  for (const [name, body] of checks) {
    try {
      await body();
      console.log(`[in-host] ok   ${name}`);
    } catch (error) {
      failures.push(name);
      console.log(`[in-host] FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  console.log(`[in-host] checks: ${checks.length - failures.length} ok, ${failures.length} failed`);
  if (failures.length > 0) throw new Error(`in-host checks failed: ${failures.join('; ')}`);
}

/** Polls `check` every 100 ms until it holds; rejects naming `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the vitest side has signalled `name` (see InHostRunOptions.whileRunning). */
export function waitForSignal(signalDir: string, name: string, timeoutMs = 30_000): Promise<void> {
  return waitFor(`the signal "${name}" from the test`, () => existsSync(join(signalDir, name)), timeoutMs);
}

function logFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...logFiles(path));
    else if (entry.name === 'Orderscope.log') out.push(path);
  }
  return out;
}

/**
 * The text of the Orderscope Output channel of the newest window: the extension's
 * LogOutputChannel writes it to `<user data>/logs/<session>/exthostN/orderscope.orderscope/`.
 */
export function orderscopeLog(userDataDir: string): string {
  const files = logFiles(join(userDataDir, 'logs')).sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs);
  const newest = files.at(-1);
  return newest === undefined ? '' : readFileSync(newest, 'utf8');
}
