import type { CodeServerInstall } from './installCodeServer.mjs';

/** The folders of one hermetic code-server profile. */
export interface CodeServerProfile {
  dir: string;
  /** `--user-data-dir`; user settings are in `User/settings.json`. */
  userDataDir: string;
  /** `--extensions-dir`. */
  extensionsDir: string;
  /** TMPDIR, XDG_RUNTIME_DIR, XDG_CONFIG_HOME, XDG_DATA_HOME and XDG_CACHE_HOME live here. */
  scratchDir: string;
}

export interface StartCodeServerOptions {
  install: CodeServerInstall;
  profile: CodeServerProfile;
  /** A folder to open as the workspace. */
  folder?: string;
  /** Address to bind (default 127.0.0.1). */
  host?: string;
  /** Port to bind; a free one is chosen when absent. */
  port?: number;
  /** More code-server arguments, e.g. `['--vscode-option', 'enable-smoke-test-driver']`. */
  extraArgs?: string[];
  /** More environment variables for the server (and so its extension host). */
  env?: Record<string, string>;
  /** Receives each line the server prints. */
  log?: (line: string) => void;
  readyTimeoutMs?: number;
}

/** A running code-server. */
export interface RunningCodeServer {
  pid: number;
  port: number;
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** Everything the server printed so far (the last 2000 lines). */
  output(): string;
  /** Resolves with the exit code or signal when the server process exits. */
  exited: Promise<number | string | null>;
  /** Kills the process tree by PID and waits (up to 10 s) for the server to exit. */
  stop(): Promise<void>;
}

export const QUIET_SETTINGS: Readonly<Record<string, unknown>>;
/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number>;
/**
 * Creates the profile folders under `dir` and writes `settings` merged over QUIET_SETTINGS
 * (unless `keepExistingSettings` and a settings.json is already there).
 */
export function prepareProfile(dir: string, settings?: Record<string, unknown>, options?: { keepExistingSettings?: boolean }): CodeServerProfile;
/** `code-server --install-extension vsixPath` into the profile; throws with the CLI output on failure. */
export function installVsix(install: CodeServerInstall, profile: CodeServerProfile, vsixPath: string): string;
/** PIDs of every descendant of `rootPid`, read from /proc (children before grandchildren). */
export function descendantsOf(rootPid: number): number[];
/** SIGKILLs a process and every descendant (found through /proc). */
export function killProcessTree(rootPid: number): void;
/** Starts code-server hermetically and resolves once it listens. */
export function startCodeServer(options: StartCodeServerOptions): Promise<RunningCodeServer>;
