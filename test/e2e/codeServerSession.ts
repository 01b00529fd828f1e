/**
 * One hermetic code-server for a test file: installs the pinned code-server when missing (cached
 * outside the repo), makes a throw-away profile with quiet user settings plus the test's own,
 * installs the packaged extension and starts the server on a free port. `stop()` kills the
 * process tree, saves the server's output under test-artifacts/e2e/ and removes the profile.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installVsix, prepareProfile, startCodeServer, type CodeServerProfile, type RunningCodeServer } from '../../scripts/e2e/codeServer.mjs';
import { installCodeServer, type CodeServerInstall } from '../../scripts/e2e/installCodeServer.mjs';
import { REPO_ROOT } from './packagedExtension';

/** Screenshots and server logs of the e2e tests (gitignored). */
export const E2E_ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts', 'e2e');

/**
 * Timeouts for e2e tests and hooks. The first hook may install code-server (minutes when cold,
 * unless CI installed it before `npm test`); a warm start is about 10 s.
 */
export const E2E_TIMEOUTS = Object.freeze({ setupMs: 12 * 60_000, testMs: 120_000, teardownMs: 60_000 });

export interface CodeServerSessionOptions {
  /** Names the artifacts of this session (server log, screenshots). */
  name: string;
  /** .vsix files installed into the profile before the server starts. */
  vsixPaths?: string[];
  /** User settings merged over the quiet defaults (e.g. the extension's own `orderscope.*`). */
  userSettings?: Record<string, unknown>;
  /** When given, a workspace folder is opened with these settings in `.vscode/settings.json`. */
  workspaceSettings?: Record<string, unknown>;
  /** More code-server arguments. */
  extraArgs?: string[];
}

export interface CodeServerSession {
  name: string;
  install: CodeServerInstall;
  profile: CodeServerProfile;
  server: RunningCodeServer;
  /** The workbench URL (with `?folder=` when a workspace was asked for). */
  url: string;
  /** The opened workspace folder, if any. */
  workspaceDir: string | undefined;
  /** Stops the server (process tree), keeps its log in test-artifacts/e2e/, removes the profile. */
  stop(): Promise<void>;
}

/** Installs (when missing), prepares a profile and starts code-server. */
export async function startCodeServerSession(options: CodeServerSessionOptions): Promise<CodeServerSession> {
  const install = await installCodeServer({ log: (line) => console.log(`[e2e install] ${line}`) });
  const dir = mkdtempSync(join(tmpdir(), `orderscope-e2e-${options.name}-`));
  const profile = prepareProfile(dir, options.userSettings);
  for (const vsix of options.vsixPaths ?? []) installVsix(install, profile, vsix);
  let workspaceDir: string | undefined;
  if (options.workspaceSettings) {
    workspaceDir = join(dir, 'workspace');
    mkdirSync(join(workspaceDir, '.vscode'), { recursive: true });
    writeFileSync(join(workspaceDir, '.vscode', 'settings.json'), JSON.stringify(options.workspaceSettings, null, 2));
  }
  let server: RunningCodeServer;
  try {
    server = await startCodeServer({ install, profile, folder: workspaceDir, extraArgs: options.extraArgs });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    name: options.name,
    install,
    profile,
    server,
    url: server.url,
    workspaceDir,
    async stop() {
      await server.stop();
      mkdirSync(E2E_ARTIFACTS_DIR, { recursive: true });
      writeFileSync(join(E2E_ARTIFACTS_DIR, `${options.name}-code-server.log`), server.output());
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
