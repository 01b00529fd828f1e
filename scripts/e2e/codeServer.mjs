// Runs code-server hermetically: its own profile (user data, extensions, scratch TMPDIR and XDG
// folders), no config file, no auth, no telemetry or update checks, a free port chosen at run time,
// and a stop that kills the whole process tree by PID (its children can outlive it).
// Shared by the end-to-end tests (test/e2e/) and `npm start` (scripts/start.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * User settings that keep the workbench quiet and deterministic: no startup editor, trust prompt,
 * telemetry, update checks or chat side bar. Tests merge their own settings over these.
 */
export const QUIET_SETTINGS = Object.freeze({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'security.workspace.trust.startupPrompt': 'never',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.openRepositoryInParentFolders': 'never',
});

/** A free TCP port on 127.0.0.1, chosen by the OS. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Creates (or reuses) the folders of a profile under `dir` and writes the user settings.
 * @param {string} dir
 * @param {Record<string, unknown>} [settings] merged over QUIET_SETTINGS
 * @param {{ keepExistingSettings?: boolean }} [options] keep a settings.json already there (a user's own profile)
 */
export function prepareProfile(dir, settings = {}, options = {}) {
  const profile = {
    dir,
    userDataDir: join(dir, 'user-data'),
    extensionsDir: join(dir, 'extensions'),
    scratchDir: join(dir, 'scratch'),
  };
  for (const sub of ['tmp', 'runtime', 'config', 'data', 'cache']) mkdirSync(join(profile.scratchDir, sub), { recursive: true });
  mkdirSync(profile.extensionsDir, { recursive: true });
  const userDir = join(profile.userDataDir, 'User');
  mkdirSync(userDir, { recursive: true });
  const settingsFile = join(userDir, 'settings.json');
  if (!(options.keepExistingSettings && existsSync(settingsFile))) {
    writeFileSync(settingsFile, JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  }
  return profile;
}

/** Environment for code-server: Node 24 first in PATH; temp, runtime, config, data, cache in scratch. */
function hermeticEnv(install, profile, extraEnv = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    // An enclosing `npm run` or VS Code terminal must not leak into the server or its extension host.
    if (key.toLowerCase().startsWith('npm_') || key.startsWith('VSCODE_')) delete env[key];
  }
  const runtime = join(profile.scratchDir, 'runtime');
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  return {
    ...env,
    PATH: [join(install.nodeHome, 'bin'), env.PATH].join(delimiter),
    TMPDIR: join(profile.scratchDir, 'tmp'),
    XDG_RUNTIME_DIR: runtime,
    XDG_CONFIG_HOME: join(profile.scratchDir, 'config'),
    XDG_DATA_HOME: join(profile.scratchDir, 'data'),
    XDG_CACHE_HOME: join(profile.scratchDir, 'cache'),
    ...extraEnv,
  };
}

/** Options every code-server invocation of a profile gets. */
function profileArgs(profile) {
  return ['--config', '/dev/null', '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
}

/**
 * Installs a packaged extension (.vsix) into the profile with `code-server --install-extension`.
 * @returns {string} the CLI's output
 */
export function installVsix(install, profile, vsixPath) {
  const result = spawnSync(install.nodeBin, [install.codeServerEntry, ...profileArgs(profile), '--force', '--install-extension', vsixPath], {
    env: hermeticEnv(install, profile),
    encoding: 'utf8',
    timeout: 120_000,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !/successfully installed/i.test(output)) {
    throw new Error(`code-server --install-extension ${vsixPath} failed (${result.error?.message ?? result.status}):\n${output}`);
  }
  return output;
}

/** PIDs of every descendant of `rootPid`, read from /proc (children before grandchildren). */
export function descendantsOf(rootPid) {
  const parentOf = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of /proc/PID/stat is the parent PID; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(name), Number(fields[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const found = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.shift();
    for (const [child, parent] of parentOf) {
      if (parent === pid) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function killQuietly(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** SIGKILLs a process and all its descendants, found before anything is killed. */
export function killProcessTree(rootPid) {
  for (const pid of [rootPid, ...descendantsOf(rootPid)]) killQuietly(pid);
}

/**
 * Starts a long-lived process and resolves once a line of its output matches `ready` (a RegExp
 * without the g flag). Returns a handle whose `stop()` kills the process tree and its process
 * group and waits for the root to exit.
 */
async function startServer(command, args, { env, cwd, ready, readyTimeoutMs, what, log }) {
  // Its own process group (led by its PID), so that children orphaned when it dies can still be
  // found and killed through the group.
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const pid = /** @type {number} */ (child.pid);
  const lines = [];
  let exited = false;
  const killAll = () => {
    if (!exited) killProcessTree(pid);
    killQuietly(-pid);
  };
  const exitPromise = new Promise((resolveExit) => child.on('exit', (code, signal) => {
    exited = true;
    resolveExit(signal ?? code);
  }));
  const matched = new Promise((resolveMatch, reject) => {
    const onData = (chunk) => {
      for (const line of String(chunk).split('\n')) {
        if (line.trim() === '') continue;
        lines.push(line);
        if (lines.length > 2000) lines.shift();
        log?.(line);
        if (ready.test(line)) resolveMatch();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => reject(new Error(`${what}: cannot start: ${error.message}`)));
    exitPromise.then((status) => reject(new Error(`${what} exited (${status}) before it was ready:\n${lines.slice(-40).join('\n')}`)));
  });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} not ready after ${readyTimeoutMs} ms:\n${lines.slice(-40).join('\n')}`)), readyTimeoutMs);
  });
  // If the caller's process ends without stop() (a crashed test worker), take the tree with it.
  process.once('exit', killAll);
  const handle = {
    pid,
    output: () => lines.join('\n'),
    exited: exitPromise,
    async stop() {
      process.removeListener('exit', killAll);
      killAll();
      await Promise.race([exitPromise, sleep(10_000)]);
    },
  };
  try {
    await Promise.race([matched, timeout]);
    return handle;
  } catch (error) {
    await handle.stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts code-server on a free port with the profile and resolves when it listens.
 * @param {import('./codeServer.d.mts').StartCodeServerOptions} options
 */
export async function startCodeServer(options) {
  const { install, profile, folder, host = '127.0.0.1', extraArgs = [], env, log, readyTimeoutMs = 60_000 } = options;
  const port = options.port ?? (await freePort());
  const args = [
    install.codeServerEntry,
    ...profileArgs(profile),
    '--bind-addr', `${host}:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--reconnection-grace-time', '5',
    '--ignore-last-opened',
    ...extraArgs,
  ];
  if (folder) args.push(folder);
  const handle = await startServer(install.nodeBin, args, {
    env: hermeticEnv(install, profile, env),
    cwd: profile.dir,
    ready: /HTTP server listening on/,
    readyTimeoutMs,
    what: `code-server on port ${port}`,
    log,
  });
  const urlHost = host === '0.0.0.0' ? '127.0.0.1' : host;
  return { ...handle, port, url: `http://${urlHost}:${port}/` };
}
