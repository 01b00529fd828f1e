/**
 * Who holds an order-flow database, and when its lock may be taken back.
 *
 * node-sqlite3-wasm locks a database file by creating the directory `<file>.lock` (for reading as
 * well as writing: one lock level) and removes it with `rmdir` when SQLite releases the lock. A
 * process killed while holding it (a recorder mid-commit, a replay mid-read: a replay holds it for
 * as long as it reads) leaves the directory behind, and the file then reads as "database is
 * locked" forever. That directory must stay empty (a file in it makes the unlock fail), so the
 * owners are written beside it: every connection Orderscope opens registers itself as
 * `<file>.owners/<host>-<pid>-<n>` holding `{pid, host, role, since}`, and removes that record
 * when it closes. A lock that does not go away is judged by those records only:
 *
 * - an owner on this host whose pid is not alive (`process.kill(pid, 0)` fails with ESRCH) is
 *   provably dead; when every recorded owner is, the lock is removed (SQLite then rolls back the
 *   half-written transaction its journal holds) and the dead records with it;
 * - an owner that is alive, or on another host (its pid means nothing here), or no record at all
 *   (another program, or an Orderscope that predates the records) is not provably dead: the lock
 *   is never taken away, and {@link SqliteLockedError} names the file and the owner.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a lock held by a live owner is waited for before the open gives up, ms. */
export const LOCK_WAIT_MS = 2000;
const RETRY_MS = 50;

/** What a connection does with the database. */
export type DatabaseRole = 'recorder' | 'replay';

/** One registered connection. */
export interface DatabaseOwner {
  readonly pid: number;
  readonly host: string;
  readonly role: DatabaseRole;
  /** ISO time the connection was opened. */
  readonly since: string;
}

/** The database is held by an owner that is not provably dead; nothing was taken from it. */
export class SqliteLockedError extends Error {
  constructor(
    readonly file: string,
    /** The owner holding it (null: none recorded). */
    readonly owner: DatabaseOwner | null,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'SqliteLockedError';
  }
}

/** True for SQLite's "locked" / "busy" errors. */
export function isSqliteBusy(error: unknown): boolean {
  return error instanceof Error && /database is locked|SQLITE_BUSY/i.test(error.message);
}

/** The lock directory of `path`. */
export function lockPathOf(path: string): string {
  return `${path}.lock`;
}

function ownersDirOf(path: string): string {
  return `${path}.owners`;
}

let registrations = 0;

/** A connection's record in `<file>.owners/`; `release()` removes it. */
export class DatabaseOwnerRecord {
  private released = false;

  private constructor(
    /** The record file ('' when it could not be written: a read-only directory). */
    readonly file: string,
    readonly owner: DatabaseOwner,
  ) {}

  /**
   * Records this process as an owner of `path` in `role`. A directory that cannot be written
   * (read-only media) gives a record without a file: nothing else can lock such a file either.
   */
  static register(path: string, role: DatabaseRole): DatabaseOwnerRecord {
    const owner: DatabaseOwner = { pid: process.pid, host: hostname(), role, since: new Date().toISOString() };
    const dir = ownersDirOf(path);
    const name = `${safeName(owner.host)}-${owner.pid}-${++registrations}`;
    const file = join(dir, name);
    try {
      if (!existsSync(dir)) mkdirSync(dir); // not recursive: a missing parent directory stays missing
      // Written aside and renamed, so a reader never sees half a record (dot files are skipped).
      const partial = join(dir, `.${name}`);
      writeFileSync(partial, JSON.stringify(owner));
      renameSync(partial, file);
      return new DatabaseOwnerRecord(file, owner);
    } catch {
      return new DatabaseOwnerRecord('', owner);
    }
  }

  /** Removes the record (and the directory when it is the last). Idempotent; never throws. */
  release(): void {
    if (this.released || this.file === '') return;
    this.released = true;
    removeQuietly(this.file);
    try {
      rmdirSync(join(this.file, '..'));
    } catch {
      // Other owners remain, or it is gone already.
    }
  }
}

/** The owners recorded for `path`, except `self`. Unreadable records count as unknown owners. */
export function otherOwners(path: string, self: DatabaseOwnerRecord | null): { file: string; owner: DatabaseOwner | null }[] {
  const dir = ownersDirOf(path);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { file: string; owner: DatabaseOwner | null }[] = [];
  for (const name of names) {
    if (name.startsWith('.')) continue;
    const file = join(dir, name);
    if (self !== null && file === self.file) continue;
    out.push({ file, owner: readOwner(file) });
  }
  return out;
}

/** Alive, dead, or not knowable from here (another host, a pid we may not signal is alive). */
export function ownerIsProvablyDead(owner: DatabaseOwner): boolean {
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** `replay process 1234 on host (since ...)` */
export function describeOwner(owner: DatabaseOwner): string {
  return `the ${owner.role} of process ${owner.pid} on ${owner.host} (since ${owner.since})`;
}

/** The first owner of `path` other than `self` that is not provably dead, in `role` if given. */
export function liveOwner(path: string, self: DatabaseOwnerRecord | null, role?: DatabaseRole): DatabaseOwner | null {
  for (const { owner } of otherOwners(path, self)) {
    if (owner !== null && (role === undefined || owner.role === role) && !ownerIsProvablyDead(owner)) return owner;
  }
  return null;
}

/**
 * Removes the lock of `path` when every other recorded owner is provably dead (their records
 * too), and returns those owners. Throws {@link SqliteLockedError} naming the owner otherwise.
 */
export function recoverDeadLock(path: string, self: DatabaseOwnerRecord | null): DatabaseOwner[] {
  const lock = lockPathOf(path);
  if (!lockExists(lock)) throw new SqliteLockedError(path, null, 'busy, though no lock directory exists: tried again later');
  const others = otherOwners(path, self);
  if (others.length === 0) {
    throw new SqliteLockedError(
      path,
      null,
      `locked by another program (${lock} exists, and no owner is recorded in ${ownersDirOf(path)}); it is left alone. ` +
        `If no program is using the file, delete ${lock}`,
    );
  }
  for (const { file, owner } of others) {
    if (owner === null) throw new SqliteLockedError(path, null, `locked (${lock}) by an owner whose record ${file} is unreadable; it is left alone`);
    if (!ownerIsProvablyDead(owner)) {
      const why = owner.host !== hostname() ? 'on another machine, so it cannot be proved gone' : 'still running';
      throw new SqliteLockedError(path, owner, `in use by ${describeOwner(owner)}, ${why}; its lock ${lock} is left alone. Stop it or wait for it, then try again`);
    }
  }
  try {
    rmdirSync(lock);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const { file } of others) removeQuietly(file);
  return others.map((o) => o.owner!);
}

/**
 * Runs `attempt` (open the database and read or write something), retrying while the file is
 * locked. A lock whose recorded owners are all provably dead is removed at once (`onRecovered`
 * is told, then `attempt` runs again); one held by an owner that is alive is waited for up to
 * `waitMs`, then {@link SqliteLockedError} names it. Other errors are thrown at once.
 */
export async function withLockRecovery<T>(
  path: string,
  self: DatabaseOwnerRecord | null,
  attempt: () => T,
  onRecovered: (lock: string, owners: DatabaseOwner[]) => void,
  waitMs = LOCK_WAIT_MS,
): Promise<T> {
  const lock = lockPathOf(path);
  const start = performance.now();
  for (;;) {
    try {
      return attempt();
    } catch (error) {
      if (!isSqliteBusy(error) || !lockExists(lock)) throw error;
      let dead: DatabaseOwner[] | null = null;
      try {
        dead = recoverDeadLock(path, self);
      } catch (locked) {
        if (!(locked instanceof SqliteLockedError) || performance.now() - start >= waitMs) throw locked;
      }
      if (dead !== null) {
        onRecovered(lock, dead);
        continue;
      }
      await sleep(RETRY_MS);
    }
  }
}

/** `pid 1234 on host` for the problem message when a dead owner's lock was removed. */
export function describeDeadOwners(owners: readonly DatabaseOwner[]): string {
  return owners.map((o) => `process ${o.pid} on ${o.host}`).join(', ');
}

function lockExists(lock: string): boolean {
  try {
    return statSync(lock).isDirectory();
  } catch {
    return false;
  }
}

function readOwner(file: string): DatabaseOwner | null {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<DatabaseOwner>;
    if (!Number.isSafeInteger(value.pid) || typeof value.host !== 'string' || (value.role !== 'recorder' && value.role !== 'replay')) return null;
    return { pid: value.pid!, host: value.host, role: value.role, since: typeof value.since === 'string' ? value.since : '?' };
  } catch {
    return null;
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Gone already.
  }
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]+/g, '_') || 'host';
}
