/**
 * The packaged extension in a real VS Code (code-server 4.139.1 = VS Code 1.139.1), driven as a
 * user drives it: installed from orderscope.vsix, activated at startup, its command found in the
 * command palette and run, its Output channel shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TIMEOUTS, startCodeServerSession, type CodeServerSession } from './codeServerSession';
import { packagedExtension } from './packagedExtension';
import { openWorkbench, type Workbench } from './workbench';

describe('Orderscope installed from its .vsix in a real VS Code', () => {
  let session: CodeServerSession;
  let workbench: Workbench;

  beforeAll(async () => {
    session = await startCodeServerSession({ name: 'smoke', vsixPaths: [await packagedExtension()] });
    workbench = await openWorkbench(session);
  }, E2E_TIMEOUTS.setupMs);

  afterAll(async () => {
    await workbench?.close();
    await session?.stop();
  }, E2E_TIMEOUTS.teardownMs);

  it('activates at startup: its Output channel exists before any of its commands ran', async () => {
    // A built-in command opens the Output panel; the Orderscope channel is created by activate().
    await workbench.runCommand('Output: Focus on Output View');
    await expect.poll(() => workbench.outputChannels(), { timeout: 30_000 }).toContain('Orderscope');
  }, E2E_TIMEOUTS.testMs);

  it('offers "Orderscope: Show Log" in the command palette', async () => {
    const rows = await workbench.searchCommands('Orderscope:');
    expect(rows).toContain('Orderscope: Show Log');
    await workbench.closeQuickInput();
  }, E2E_TIMEOUTS.testMs);

  it('"Orderscope: Show Log" shows the Orderscope channel in the Output panel', async () => {
    // Start from another channel in a closed panel, so only the command can bring Orderscope up.
    await workbench.runCommand('Output: Focus on Output View');
    const other = (await workbench.outputChannels()).find((name) => name !== 'Orderscope');
    expect(other).toBeDefined();
    await workbench.outputChannelPicker.selectOption(other!);
    await expect.poll(() => workbench.outputChannelPicker.inputValue()).toBe(other);
    await workbench.runCommand('View: Toggle Panel Visibility');
    await expect(workbench.outputChannelPicker.isVisible()).resolves.toBe(false);

    await workbench.runCommand('Orderscope: Show Log');
    await expect.poll(() => workbench.outputChannelPicker.inputValue(), { timeout: 30_000 }).toBe('Orderscope');
    await workbench.screenshot('show-log');
  }, E2E_TIMEOUTS.testMs);
});
