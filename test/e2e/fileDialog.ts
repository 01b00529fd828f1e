/**
 * Answers code-server's simple file dialog (its open and save dialogs) as a user does.
 */
import { basename, dirname } from 'node:path';
import type { Locator } from 'playwright-core';
import { expect } from 'vitest';
import type { Workbench } from './workbench';

/**
 * Types the folder of `path`, waits until the dialog lists that folder (`listed`: its rows) and
 * types the file name, without accepting; `screenshot` names a picture of the filled dialog.
 * Returns the dialog's input: Enter on it accepts. (A path typed at once can race the dialog's
 * own listing of its start folder.)
 */
export async function fillFileDialog(workbench: Workbench, path: string, listed: string[], screenshot?: string): Promise<Locator> {
  const input = workbench.quickInput.locator('input');
  await input.waitFor({ state: 'visible' });
  // The dialog sets its start value and lists its start folder after it shows: wait for both,
  // else they overwrite what is typed.
  await expect
    .poll(async () => (await input.inputValue()).startsWith('/') && (await workbench.quickInputRows.count()) > 0, { timeout: 15_000 })
    .toBe(true);
  await input.fill(`${dirname(path)}/`);
  await expect.poll(() => workbench.quickInputRows.locator('.label-name').allInnerTexts(), { timeout: 15_000 }).toEqual(listed);
  await input.press('End');
  await input.pressSequentially(basename(path));
  await expect.poll(() => input.inputValue()).toBe(path);
  if (screenshot !== undefined) await workbench.screenshot(screenshot);
  return input;
}

/** Answers the dialog with `path` as `fillFileDialog` fills it, and accepts. */
export async function answerFileDialog(workbench: Workbench, path: string, listed: string[], screenshot?: string): Promise<void> {
  const input = await fillFileDialog(workbench, path, listed, screenshot);
  await input.press('Enter');
}
