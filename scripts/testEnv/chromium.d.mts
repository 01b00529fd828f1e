/** What `decideChromium` may look at: the real machine, or a test's stand-in. */
export interface ChromiumProbe {
  /** Environment: CHROMIUM_PATH, PATH, PLAYWRIGHT_BROWSERS_PATH, HOME. */
  env: Record<string, string | undefined>;
  /** True for an existing executable file. */
  isExecutable(path: string): boolean;
  /** Entries of a folder, [] when it does not exist. */
  listDir(dir: string): string[];
  isRoot: boolean;
  hasAptGet: boolean;
}

export type ChromiumDecision = { kind: 'found'; path: string } | { kind: 'install' } | { kind: 'missing'; message: string };

/** Executable names looked up on PATH, in order. */
export const CHROMIUM_NAMES: readonly string[];
/** Usual install places, looked at after PATH. */
export const CHROMIUM_PLACES: readonly string[];
/** Flags for every launch: no sandbox, software rendering, no background traffic. */
export const CHROMIUM_LAUNCH_ARGS: readonly string[];
/** CHROMIUM_PATH, else PATH names, usual places, playwright's cache; else install (root + apt-get) or a message. */
export function decideChromium(probe: ChromiumProbe): ChromiumDecision;
/** The browser's path; throws the message saying what to install when there is none. Never installs. */
export function chromiumPath(): string;
/** Finds the browser, installing Debian's `chromium` when root with apt-get; throws the message otherwise. */
export function ensureChromium(options?: { log?: (line: string) => void }): string;
