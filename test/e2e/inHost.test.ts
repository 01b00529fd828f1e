/**
 * Tests that run inside the real VS Code extension host (code-server 4.139.1 = VS Code 1.139.1)
 * with the packaged extension as the extension under development; see test/e2e/inHostTests.ts.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TIMEOUTS } from './codeServerSession';
import { startInHostRunner, type InHostRunner } from './inHostTests';
import { packagedExtension } from './packagedExtension';
import { waitForPanel } from './panelProbe';

describe('in the extension host of a real VS Code', () => {
  let runner: InHostRunner;

  beforeAll(async () => {
    runner = await startInHostRunner({ name: 'in-host', vsixPath: await packagedExtension() });
  }, E2E_TIMEOUTS.setupMs);

  afterAll(async () => {
    await runner?.stop();
  }, E2E_TIMEOUTS.teardownMs);

  it('the extension activates and its commands are registered and run (vscode API)', async () => {
    const result = await runner.run(join(__dirname, 'inHost', 'extensionSuite.ts'));
    const report = result.log.filter((line) => line.includes('[in-host]'));
    expect(report, result.log.join('\n')).toEqual([
      'info: [in-host] ok   the packaged extension is present and activates',
      'info: [in-host] ok   orderscope.showLog is a registered command',
      'info: [in-host] ok   orderscope.showLog runs without error',
      'info: [in-host] checks: 3 ok, 0 failed',
    ]);
    expect(result.exitCode, result.log.join('\n')).toBe(0);
  }, E2E_TIMEOUTS.testMs);

  it('commands, settings validation and the serializer restoring a panel across Reload Window (vscode API)', async () => {
    const result = await runner.run(join(__dirname, 'inHost', 'settingsAndRestoreSuite.ts'), {
      timeoutMs: 110_000,
      params: { userDataDir: runner.session.profile.userDataDir },
      // The suite reloads only once the webview has saved its state (what the serializer gets).
      whileRunning: async (workbench, signal) => {
        await waitForPanel(workbench, 'the demo panel at 5m with its state saved', (s) => s.market?.symbol === 'SIM/USDT' && s.viewState.timeframe === '5m', 60_000);
        signal('panel-state-saved');
      },
    });
    const report = result.log.filter((line) => line.includes('[in-host]'));
    for (const line of report) console.log(line);
    expect(report.filter((line) => /\[in-host\] (ok|FAIL|checks)/.test(line)), result.log.join('\n')).toEqual([
      'info: [in-host] ok   the packaged extension activates and reports how long activate() took',
      'info: [in-host] ok   every command in contributes.commands is registered',
      'info: [in-host] ok   bad setting values are logged naming the setting, with the default used instead',
      'info: [in-host] ok   with the bad values still set, Open Demo opens its chart panel (at the 5m timeframe setting)',
      'info: [in-host] ok   the settings go back to their defaults; the test side sees the panel save its state',
      'info: [in-host] checks: 5 ok, 0 failed',
      'info: [in-host] ok   after Reload Window the serializer restores the demo panel from its saved state (simulator, SIM/USDT, 5m)',
      'info: [in-host] checks: 1 ok, 0 failed',
    ]);
    expect(result.exitCode, result.log.join('\n')).toBe(0);
  }, E2E_TIMEOUTS.testMs);

  it('a failing in-host suite comes back as a non-zero exit code', async () => {
    const result = await runner.run(join(__dirname, 'inHost', 'failingSuite.ts'));
    expect(result.log.some((line) => line.includes('[in-host] looking for a command that does not exist')), result.log.join('\n')).toBe(true);
    expect(result.exitCode).not.toBe(0);
  }, E2E_TIMEOUTS.testMs);
});
