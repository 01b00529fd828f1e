import { afterAll, beforeAll } from 'vitest';
import { E2E_TIMEOUTS, startCodeServerSession, type CodeServerSession } from './codeServerSession';
import { packagedExtension } from './packagedExtension';
import { openWorkbench, type Workbench } from './workbench';

/** A real VS Code window with the packaged extension installed, for the tests of one describe block. */
export interface ExtensionWindow {
  readonly session: CodeServerSession;
  readonly workbench: Workbench;
  /** Date.now() when the workbench had opened. */
  readonly readyAt: number;
}

/**
 * Registers the describe block's hooks: before all its tests, a code-server with orderscope.vsix
 * installed and the given user settings (read when the hook runs, so they may use what an earlier
 * hook started), its workbench opened; after them, the window closed and the server stopped.
 * Hooks registered before this call run before it and, as vitest stacks after-hooks, end after it.
 */
export function useExtensionWindow(name: string, userSettings: () => Record<string, unknown> | Promise<Record<string, unknown>> = () => ({})): ExtensionWindow {
  let session: CodeServerSession | undefined;
  let workbench: Workbench | undefined;
  let readyAt = 0;
  beforeAll(async () => {
    session = await startCodeServerSession({ name, vsixPaths: [await packagedExtension()], userSettings: await userSettings() });
    workbench = await openWorkbench(session);
    readyAt = Date.now();
  }, E2E_TIMEOUTS.setupMs);
  afterAll(async () => {
    await workbench?.close();
    await session?.stop();
  }, E2E_TIMEOUTS.teardownMs);
  return {
    get session() {
      return started(session);
    },
    get workbench() {
      return started(workbench);
    },
    get readyAt() {
      return readyAt;
    },
  };
}

function started<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('the extension window is read before its beforeAll hook ran (or after it failed)');
  return value;
}
