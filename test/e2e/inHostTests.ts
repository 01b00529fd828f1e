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
import { mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { installVsix, prepareProfile } from '../../scripts/e2e/codeServer.mjs';
import { startCodeServerSession, type CodeServerSession } from './codeServerSession';
import { openWorkbench } from './workbench';

export interface InHostResult {
  /** The extension host's exit code: 0 when the module's `run()` resolved. */
  exitCode: number;
  /** Console lines of the extension host and workbench while the module ran. */
  log: string[];
}

export interface InHostRunner {
  /** Bundles `suiteEntry` (a .ts module exporting `run(): Promise<void>`) and runs it in a new window. */
  run(suiteEntry: string, options?: { timeoutMs?: number }): Promise<InHostResult>;
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

/** Starts code-server with the smoke-test driver and the packaged extension as the development extension. */
export async function startInHostRunner(options: { name: string; vsixPath: string }): Promise<InHostRunner> {
  const session = await startCodeServerSession({
    name: options.name,
    extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
  });
  try {
    const extensionPath = unpackVsix(session, options.vsixPath);
    const bundleDir = mkdtempSync(join(session.profile.dir, 'suites-'));
    const remote = (path: string) => `vscode-remote://127.0.0.1:${session.server.port}${path}`;
    let runs = 0;
    return {
      async run(suiteEntry, { timeoutMs = 90_000 } = {}) {
        runs += 1;
        const outfile = join(bundleDir, `suite-${runs}.js`);
        await build({ entryPoints: [suiteEntry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node22', external: ['vscode'], logLevel: 'warning' });
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
          const exitCode = await Promise.race([exited, timedOut]);
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
