/**
 * The packaged extension (orderscope.vsix) the end-to-end tests install, built by `npm run package`
 * as a user builds it. It is rebuilt only when a source it is made from is newer, under a lock, so
 * parallel test files (and `npm test`, which packages first) share one build.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withDirLock } from '../../scripts/e2e/dirLock.mjs';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const VSIX_PATH = join(REPO_ROOT, 'orderscope.vsix');

/** Files and folders whose content goes into the .vsix (sources, manifest, build script, lockfile). */
const PACKAGE_INPUTS = ['src', 'webview', 'media', 'package.json', 'package-lock.json', 'README.md', '.vscodeignore', 'scripts/build.mjs', 'tsconfig.json', 'tsconfig.base.json'];

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, name)));
  return newest;
}

/** True when orderscope.vsix exists and is newer than every input it is built from. */
function isVsixFresh(): boolean {
  if (!existsSync(VSIX_PATH)) return false;
  const built = statSync(VSIX_PATH).mtimeMs;
  return PACKAGE_INPUTS.every((input) => newestMtimeMs(join(REPO_ROOT, input)) <= built);
}

function runPackage(): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npm', ['run', 'package'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && existsSync(VSIX_PATH)) resolvePromise();
      else reject(new Error(`npm run package failed (${code}):\n${output}`));
    });
  });
}

/** Path of an up-to-date orderscope.vsix, running `npm run package` when it is missing or stale. */
export async function packagedExtension(): Promise<string> {
  if (isVsixFresh()) return VSIX_PATH;
  mkdirSync(join(REPO_ROOT, 'test-artifacts'), { recursive: true });
  await withDirLock(join(REPO_ROOT, 'test-artifacts', '.package.lock'), async () => {
    if (!isVsixFresh()) await runPackage();
  }, { timeoutMs: 5 * 60_000 });
  return VSIX_PATH;
}
