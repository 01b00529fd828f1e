// `npm start`: builds and packages Orderscope, installs it into a code-server profile kept under
// ~/.cache/orderscope-start/, and serves that real VS Code on a free port until Ctrl+C.
//
//   npm start [-- --port N] [--host ADDR] [--live] [--fresh]
//
//   --port N      port to listen on (default: a free one)
//   --host ADDR   address to bind (default 127.0.0.1; 0.0.0.0 to reach it from elsewhere)
//   --live        do not switch the workspace to the offline demo market
//   --fresh       start from an empty profile and workspace
//
// By default the opened workspace's settings select the built-in simulated market for the chart
// and the status bar and set `orderscope.demoOnStartup`, so the demo chart opens by itself and
// everything works with no network.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { installVsix, prepareProfile, startCodeServer } from './e2e/codeServer.mjs';
import { installCodeServer } from './e2e/installCodeServer.mjs';

/** Workspace settings for the offline demo. */
export const DEMO_SETTINGS = Object.freeze({
  'orderscope.demoOnStartup': true,
  'orderscope.exchange': 'simulator',
  'orderscope.symbol': 'SIM/USDT',
  'orderscope.statusBar.symbols': ['SIM/USDT'],
});

/** Defaults of the command-line options. */
const DEFAULTS = Object.freeze({ port: undefined, host: '127.0.0.1', live: false, fresh: false });

const ROOT = resolve(import.meta.dirname, '..');
const START_HOME = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'orderscope-start');

function readOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      live: { type: 'boolean' },
      fresh: { type: 'boolean' },
    },
  });
  const port = values.port === undefined ? DEFAULTS.port : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new Error(`--port must be a TCP port number, got "${values.port}"`);
  }
  return {
    port,
    host: values.host ?? DEFAULTS.host,
    live: values.live ?? DEFAULTS.live,
    fresh: values.fresh ?? DEFAULTS.fresh,
  };
}

function packageExtension() {
  console.log('== npm run package');
  const result = spawnSync('npm', ['run', 'package'], { cwd: ROOT, stdio: 'inherit' });
  const vsix = join(ROOT, 'orderscope.vsix');
  if (result.status !== 0 || !existsSync(vsix)) throw new Error('npm run package failed (see above)');
  return vsix;
}

/** The workspace folder code-server opens; its settings select the demo unless --live. */
function prepareWorkspace(live) {
  const workspace = join(START_HOME, 'workspace');
  mkdirSync(join(workspace, '.vscode'), { recursive: true });
  const settings = live ? {} : DEMO_SETTINGS;
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
  return workspace;
}

async function main() {
  const options = readOptions();
  if (options.fresh) rmSync(START_HOME, { recursive: true, force: true });
  const vsix = packageExtension();

  console.log('== code-server');
  const install = await installCodeServer();
  const profile = prepareProfile(join(START_HOME, 'profile'), {}, { keepExistingSettings: true });
  // Replace whatever Orderscope version is installed with the one just packaged.
  for (const name of readdirSync(profile.extensionsDir)) {
    if (name.startsWith('orderscope.orderscope-')) rmSync(join(profile.extensionsDir, name), { recursive: true, force: true });
  }
  installVsix(install, profile, vsix);
  const workspace = prepareWorkspace(options.live);

  const server = await startCodeServer({ install, profile, folder: workspace, host: options.host, port: options.port });
  console.log('');
  console.log(`Orderscope in VS Code ${install.versions.vscode} (code-server ${install.versions.codeServer}):`);
  console.log(`  open  ${server.url}`);
  console.log(`  profile ${START_HOME}${options.live ? '' : ' (demo market, offline)'}`);
  console.log('  Ctrl+C stops it.');

  let stopping = false;
  const stop = async () => {
    stopping = true;
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const status = await server.exited;
  if (stopping) return;
  console.error(`code-server exited (${status}); its last output:\n${server.output().split('\n').slice(-30).join('\n')}`);
  process.exit(1);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
