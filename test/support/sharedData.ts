/**
 * Locates `../shared/data` (real exchange captures, read in place, never copied).
 * On a user's clone without it, data tests skip with a clear message; under `CI=true` they fail.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const SHARED_DATA_DIR = resolve(__dirname, '..', '..', '..', 'shared', 'data');
const inCI = process.env.CI === 'true';

/** Absolute path of a file under shared/data. */
export function sharedDataPath(relative: string): string {
  return resolve(SHARED_DATA_DIR, relative);
}

/**
 * True when the shared data is present. When it is absent: throws under CI, else warns once
 * and returns false so the caller can `describe.skipIf(!hasSharedData())`.
 */
export function hasSharedData(...relatives: string[]): boolean {
  const missing = relatives.map(sharedDataPath).filter((p) => !existsSync(p));
  if (!existsSync(SHARED_DATA_DIR)) missing.unshift(SHARED_DATA_DIR);
  if (missing.length === 0) return true;
  const message = `real-data tests need ${missing.join(', ')} (the shared captures beside the checkout)`;
  if (inCI) throw new Error(`${message}: missing under CI=true`);
  console.warn(`SKIPPED: ${message}; it is absent on this clone.`);
  return false;
}
