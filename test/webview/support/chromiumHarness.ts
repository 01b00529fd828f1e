/**
 * The Chromium and the harness server a describe block's panel tests share: the webview is
 * built and both are started before its tests, and closed after them.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { repoRoot, startHarnessServer, type HarnessServer } from './harnessServer';
import { launchChromium } from './panelPage';

export interface ChromiumHarness {
  /** Only inside the block's tests and hooks (started by its `beforeAll`). */
  readonly browser: Browser;
  readonly server: HarnessServer;
}

/** Registers the hooks in the calling describe block; its tests read `browser` and `server`. */
export function useChromiumHarness(): ChromiumHarness {
  const root = repoRoot(__dirname);
  let browser: Browser | undefined;
  let server: HarnessServer | undefined;
  beforeAll(async () => {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--only', 'webview'], { cwd: root, stdio: 'inherit' });
    [browser, server] = await Promise.all([launchChromium(), startHarnessServer(root)]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get browser(): Browser {
      if (browser === undefined) throw new Error('the harness Chromium is started in beforeAll');
      return browser;
    },
    get server(): HarnessServer {
      if (server === undefined) throw new Error('the harness server is started in beforeAll');
      return server;
    },
  };
}
