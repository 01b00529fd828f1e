// Finds the Chromium or Chrome that the browser tests, the e2e tests and the panel benchmark drive
// through playwright-core, and installs Debian's `chromium` when none is found and it can (root with
// apt-get). One resolver for every caller, so a Chrome at any path works once `CHROMIUM_PATH`
// names it or it sits on PATH or in a usual place.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Executable names looked up on PATH, in this order. */
export const CHROMIUM_NAMES = Object.freeze(['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome']);

/** Usual install places, for when PATH is narrower than the machine (e.g. a minimal CI PATH). */
export const CHROMIUM_PLACES = Object.freeze([
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/opt/google/chrome/chrome',
]);

/** The browser executable inside one of playwright's `chromium-<build>` folders (older, newer layout). */
const PLAYWRIGHT_EXECUTABLES = Object.freeze([join('chrome-linux', 'chrome'), join('chrome-linux64', 'chrome')]);

/** Headless-friendly flags for every launch: no sandbox (root in CI), software rendering, no background traffic. */
export const CHROMIUM_LAUNCH_ARGS = Object.freeze(['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']);

/** What a user without root or apt-get should do; also the tail of every "not found" message. */
const INSTALL_ADVICE = 'install it with `sudo apt-get install chromium` (Debian, Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome executable';

/**
 * @typedef {object} ChromiumProbe  What the decision may look at (the real machine, or a test's).
 * @property {Record<string, string | undefined>} env  environment (CHROMIUM_PATH, PATH, PLAYWRIGHT_BROWSERS_PATH, HOME)
 * @property {(path: string) => boolean} isExecutable  true for an existing executable file
 * @property {(dir: string) => string[]} listDir  entries of a folder, [] when it does not exist
 * @property {boolean} isRoot
 * @property {boolean} hasAptGet
 */

/**
 * @typedef {{ kind: 'found', path: string }
 *   | { kind: 'install' }
 *   | { kind: 'missing', message: string }} ChromiumDecision
 */

/** Playwright's browser cache (`PLAYWRIGHT_BROWSERS_PATH`, else ~/.cache/ms-playwright), newest build first. */
function playwrightCandidates(probe) {
  const cache = probe.env.PLAYWRIGHT_BROWSERS_PATH || join(probe.env.HOME || homedir(), '.cache', 'ms-playwright');
  const builds = probe.listDir(cache)
    .filter((name) => /^chromium-\d+$/.test(name))
    .sort((a, b) => Number(b.slice('chromium-'.length)) - Number(a.slice('chromium-'.length)));
  return builds.flatMap((build) => PLAYWRIGHT_EXECUTABLES.map((executable) => join(cache, build, executable)));
}

/** Every place looked at when CHROMIUM_PATH is not set, in order. */
function candidates(probe) {
  const pathDirs = (probe.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  const onPath = CHROMIUM_NAMES.flatMap((name) => pathDirs.map((dir) => join(dir, name)));
  return [...onPath, ...CHROMIUM_PLACES, ...playwrightCandidates(probe)];
}

/**
 * Where the browser is, or what to do about it: `CHROMIUM_PATH` when set (an explicit choice is
 * never second-guessed: a wrong one is an error, not a fallback), else the first of the usual names
 * on PATH, the usual places and playwright's cache; else install Debian's `chromium` when root with
 * apt-get, else one message saying what to install.
 * @param {ChromiumProbe} probe
 * @returns {ChromiumDecision}
 */
export function decideChromium(probe) {
  const chosen = probe.env.CHROMIUM_PATH;
  if (chosen) {
    if (probe.isExecutable(chosen)) return { kind: 'found', path: chosen };
    return { kind: 'missing', message: `CHROMIUM_PATH=${chosen} is not an executable file; ${INSTALL_ADVICE}.` };
  }
  const found = candidates(probe).find((path) => probe.isExecutable(path));
  if (found) return { kind: 'found', path: found };
  if (probe.isRoot && probe.hasAptGet) return { kind: 'install' };
  return {
    kind: 'missing',
    message: `The browser and end-to-end tests need Chromium or Chrome and none was found (looked at CHROMIUM_PATH, ${CHROMIUM_NAMES.join(', ')} on PATH, /usr/bin, /snap/bin, /opt/google/chrome and playwright's cache): ${INSTALL_ADVICE}.`,
  };
}

function isExecutableFile(path) {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function listDirOrNothing(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** This machine, as `decideChromium` sees it; `mayInstall` false answers "no install possible". */
function machineProbe(mayInstall) {
  return {
    env: process.env,
    isExecutable: isExecutableFile,
    listDir: listDirOrNothing,
    isRoot: mayInstall && typeof process.getuid === 'function' && process.getuid() === 0,
    hasAptGet: mayInstall && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0,
  };
}

/**
 * The browser's path, for playwright's `executablePath`. Throws the message saying what to
 * install when there is none (it never installs: the `npm test` pre-step does that).
 * @returns {string}
 */
export function chromiumPath() {
  const decision = decideChromium(machineProbe(false));
  if (decision.kind !== 'found') throw new Error(decision.message);
  return decision.path;
}

/** Runs apt-get quietly (its per-package lines would bury the test output); its tail on failure. */
function aptGet(args, log) {
  log(`  apt-get ${args.join(' ')}`);
  const result = spawnSync('apt-get', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status === 0) return;
  const tail = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-20).join('\n');
  throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${tail}\n${INSTALL_ADVICE}.`);
}

/**
 * Finds the browser, installing Debian's `chromium` first when none is found and this process is
 * root with apt-get. Returns its path; throws the one message saying what to install otherwise.
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {string}
 */
export function ensureChromium(options = {}) {
  const log = options.log ?? ((line) => console.log(line));
  const decision = decideChromium(machineProbe(true));
  if (decision.kind === 'found') return decision.path;
  if (decision.kind === 'missing') throw new Error(decision.message);
  log('No Chromium or Chrome found: installing Debian\'s chromium');
  aptGet(['update', '-qq'], log);
  aptGet(['install', '-y', '-qq', 'chromium'], log);
  return chromiumPath();
}
