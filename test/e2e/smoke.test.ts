/**
 * The packaged extension in a real VS Code (code-server 4.139.1 = VS Code 1.139.1), driven as a
 * user drives it: installed from orderscope.vsix, activated at startup, its command found in the
 * command palette and run, its Output channel shown.
 */
import { describe, expect, it } from 'vitest';
import { E2E_TIMEOUTS } from './codeServerSession';
import { useExtensionWindow } from './extensionWindow';

describe('Orderscope installed from its .vsix in a real VS Code', () => {
  const app = useExtensionWindow('smoke');

  it('activates at startup: its Output channel exists before any of its commands ran', async () => {
    // A built-in command opens the Output panel; the Orderscope channel is created by activate().
    await app.workbench.runCommand('Output: Focus on Output View');
    await expect.poll(() => app.workbench.outputChannels(), { timeout: 30_000 }).toContain('Orderscope');
  }, E2E_TIMEOUTS.testMs);

  it('offers "Orderscope: Show Log" in the command palette', async () => {
    const rows = await app.workbench.searchCommands('Orderscope:');
    expect(rows).toContain('Orderscope: Show Log');
    await app.workbench.closeQuickInput();
  }, E2E_TIMEOUTS.testMs);

  it('"Orderscope: Show Log" shows the Orderscope channel in the Output panel', async () => {
    // Start from another channel in a closed panel, so only the command can bring Orderscope up.
    await app.workbench.runCommand('Output: Focus on Output View');
    const other = (await app.workbench.outputChannels()).find((name) => name !== 'Orderscope');
    expect(other).toBeDefined();
    await app.workbench.outputChannelPicker.selectOption(other!);
    await expect.poll(() => app.workbench.outputChannelPicker.inputValue()).toBe(other);
    await app.workbench.runCommand('View: Toggle Panel Visibility');
    await expect(app.workbench.outputChannelPicker.isVisible()).resolves.toBe(false);

    await app.workbench.runCommand('Orderscope: Show Log');
    await expect.poll(() => app.workbench.outputChannelPicker.inputValue(), { timeout: 30_000 }).toBe('Orderscope');
    await app.workbench.screenshot('show-log');
  }, E2E_TIMEOUTS.testMs);
});
