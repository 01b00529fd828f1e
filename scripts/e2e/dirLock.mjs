// A cross-process lock made of a directory: mkdir is atomic, so exactly one process creates it.
// Used so that parallel test files (vitest forks) do not install or package the same thing twice.
// The owner's PID is written inside; a lock whose owner is dead is taken over.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** True when a process with this PID exists (signal 0 only checks). */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** A lock whose owner never got written (its creator died at once) is stale after this. */
const UNOWNED_STALE_MS = 10_000;

function ownerOf(lockDir) {
  try {
    return Number(readFileSync(join(lockDir, 'owner.pid'), 'utf8'));
  } catch {
    return NaN;
  }
}

function ageMs(lockDir) {
  try {
    return Date.now() - statSync(lockDir).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * Runs `work` while holding the lock at `lockDir` (created, then removed when done).
 * Waits up to `timeoutMs` for another holder; calls `onWait` once when it has to wait.
 * @template T
 * @param {string} lockDir
 * @param {() => Promise<T>} work
 * @param {{ timeoutMs?: number, onWait?: (ownerPid: number) => void }} [options]
 * @returns {Promise<T>}
 */
export async function withDirLock(lockDir, work, options = {}) {
  const { timeoutMs = 15 * 60_000, onWait } = options;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'owner.pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const owner = ownerOf(lockDir);
      // A lock without a readable owner may be one being created this instant, so it is stale
      // only once it is old; a lock whose owner is known is stale when that owner is dead.
      const stale = Number.isInteger(owner) && owner > 0 ? !isAlive(owner) : ageMs(lockDir) > UNOWNED_STALE_MS;
      if (stale) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lockDir} (held by PID ${owner})`);
      if (!told) {
        told = true;
        onWait?.(owner);
      }
      await sleep(500);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
