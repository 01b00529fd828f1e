/**
 * node-sqlite3-wasm locks a database file by creating the directory `<file>.lock` (for reading as
 * well as writing) and removes it when SQLite releases the lock. A process killed while holding a
 * lock (a recorder in the middle of a commit, a replay in the middle of a read) leaves that
 * directory behind, and the file then reads as "database is locked" forever.
 *
 * Our own recorder holds the lock for a few milliseconds per commit, so a lock that stays for
 * `staleAfterMs` is taken as left by a dead process: it is removed, and SQLite then rolls back
 * whatever half-written transaction the journal holds. (Native SQLite, e.g. a Python tool, locks
 * with POSIX locks and never sees this directory: two different writers must not share a file.)
 */
import { rmdirSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a lock may be held before it is taken as stale, ms. */
export const STALE_LOCK_MS = 2000;
const RETRY_MS = 50;

function isBusy(error: unknown): boolean {
  return error instanceof Error && /database is locked|SQLITE_BUSY/i.test(error.message);
}

function lockExists(lock: string): boolean {
  try {
    return statSync(lock).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Runs `attempt` (open the database and read or write something), retrying while the file is
 * locked; after `staleAfterMs` of a lock that does not go away, removes the stale lock directory,
 * tells `onStaleLock`, and tries once more. Other errors are thrown at once.
 */
export async function withStaleLockRecovery<T>(
  path: string,
  attempt: () => T,
  onStaleLock: (lock: string) => void,
  staleAfterMs = STALE_LOCK_MS,
): Promise<T> {
  const lock = `${path}.lock`;
  const start = performance.now();
  for (;;) {
    try {
      return attempt();
    } catch (error) {
      if (!isBusy(error) || !lockExists(lock)) throw error;
      if (performance.now() - start < staleAfterMs) {
        await sleep(RETRY_MS);
        continue;
      }
      rmdirSync(lock);
      onStaleLock(lock);
      return attempt();
    }
  }
}
