/**
 * Runs a test module INSIDE the real VS Code extension host, with the real `vscode` API.
 *
 * code-server is started with VS Code's smoke-test driver enabled, which makes the workbench honour
 * `?payload=[["extensionDevelopmentPath", ...], ["extensionTestsPath", ...]]`. The extension under
 * development is the packaged .vsix, unpacked by code-server's own installer. The extension host
 * loads the test module, calls its `run()` and exits 0 when it resolves, non-zero when it rejects;
 * the workbench hands that code to `window.codeAutomationExit`, and every console line of the
 * extension host to `window.codeAutomationLog`, both exposed here by Playwright.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { installVsix, prepareProfile } from '../../scripts/e2e/codeServer.mjs';
import { startCodeServerSession, type CodeServerSession } from './codeServerSession';
import { openWorkbench, type Workbench } from './workbench';

export interface InHostResult {
  /** The extension host's exit code: 0 when the module's `run()` resolved. */
  exitCode: number;
  /** Console lines of the extension host and workbench while the module ran. */
  log: string[];
}

export interface InHostRunOptions {
  /** How long the suite may take to report its exit code (default 90 s). */
  timeoutMs?: number;
  /**
   * Plain data the suite reads as `IN_HOST_PARAMS` (compiled in as a constant; declare it in the
   * suite with `declare const IN_HOST_PARAMS: ...`). Always has `signalDir` (see `signal`).
   */
  params?: Record<string, unknown>;
  /**
   * Runs on this side while the suite runs, with the window it runs in: drive or watch the UI,
   * and `signal(name)` the suite (it waits with `waitForSignal` from inHost/signals.ts).
   */
  whileRunning?: (workbench: Workbench, signal: (name: string) => void) => Promise<void>;
}

export interface InHostRunner {
  /** The code-server the suites run in (its profile holds the user data and the logs). */
  readonly session: CodeServerSession;
  /** Bundles `suiteEntry` (a .ts module exporting `run(): Promise<void>`) and runs it in a new window. */
  run(suiteEntry: string, options?: InHostRunOptions): Promise<InHostResult>;
  stop(): Promise<void>;
}

/** Unpacks the .vsix with code-server's installer into its own folder; returns the extension folder. */
function unpackVsix(session: CodeServerSession, vsixPath: string): string {
  const unpacked = prepareProfile(join(session.profile.dir, 'development-extension'));
  installVsix(session.install, unpacked, vsixPath);
  const folder = readdirSync(unpacked.extensionsDir).find((name) => name.startsWith('orderscope.orderscope-'));
  if (!folder) throw new Error(`${vsixPath} did not unpack to orderscope.orderscope-* in ${unpacked.extensionsDir}`);
  return join(unpacked.extensionsDir, folder);
}

/**
 * Starts code-server with the smoke-test driver and the packaged extension as the development
 * extension; `userSettings` are merged over the quiet defaults.
 */
export async function startInHostRunner(options: { name: string; vsixPath: string; userSettings?: Record<string, unknown> }): Promise<InHostRunner> {
  const session = await startCodeServerSession({
    name: options.name,
    extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
    userSettings: options.userSettings,
  });
  try {
    const extensionPath = unpackVsix(session, options.vsixPath);
    const bundleDir = mkdtempSync(join(session.profile.dir, 'suites-'));
    const remote = (path: string) => `vscode-remote://127.0.0.1:${session.server.port}${path}`;
    let runs = 0;
    return {
      session,
      async run(suiteEntry, { timeoutMs = 90_000, params = {}, whileRunning } = {}) {
        runs += 1;
        const signalDir = join(bundleDir, `signals-${runs}`);
        mkdirSync(signalDir);
        const outfile = join(bundleDir, `suite-${runs}.js`);
        await build({
          entryPoints: [suiteEntry],
          outfile,
          bundle: true,
          platform: 'node',
          format: 'cjs',
          target: 'node22',
          external: ['vscode'],
          logLevel: 'warning',
          define: { IN_HOST_PARAMS: JSON.stringify({ ...params, signalDir }) },
        });
        const payload = JSON.stringify([
          ['extensionDevelopmentPath', remote(extensionPath)],
          ['extensionTestsPath', remote(outfile)],
        ]);
        const log: string[] = [];
        let reportExit: (code: number) => void = () => undefined;
        const exited = new Promise<number>((resolveExit) => (reportExit = resolveExit));
        const workbench = await openWorkbench(session, {
          query: `?payload=${encodeURIComponent(payload)}`,
          waitForWorkbench: false,
          beforeLoad: async (page) => {
            await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
              log.push(`${type}: ${args.map((arg) => (typeof arg === 'string' ? arg : JSON.stringify(arg))).join(' ')}`);
            });
            await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
          },
        });
        let timer: NodeJS.Timeout | undefined;
        try {
          const timedOut = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`in-host suite ${suiteEntry} gave no exit code in ${timeoutMs} ms; log:\n${log.join('\n')}`)), timeoutMs);
          });
          const signal = (name: string): void => writeFileSync(join(signalDir, name), '');
          // A driver that fails fails the run; one that finishes leaves the suite to report.
          const driven = whileRunning ? whileRunning(workbench, signal).then(() => new Promise<never>(() => undefined)) : new Promise<never>(() => undefined);
          const exitCode = await Promise.race([exited, timedOut, driven]);
          return { exitCode, log };
        } finally {
          clearTimeout(timer);
          await workbench.close();
        }
      },
      stop: () => session.stop(),
    };
  } catch (error) {
    await session.stop();
    throw error;
  }
}
