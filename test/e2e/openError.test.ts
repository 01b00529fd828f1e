/**
 * A chart that cannot open never sits at "connecting…" in silence: with an exchange id ccxt does
 * not know, "Orderscope: Open Chart" shows an error notification naming the exchange.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_TIMEOUTS, startCodeServerSession, type CodeServerSession } from './codeServerSession';
import { packagedExtension } from './packagedExtension';
import { openWorkbench, type Workbench } from './workbench';

describe('a chart that cannot open, in a real VS Code', () => {
  let session: CodeServerSession;
  let workbench: Workbench;

  beforeAll(async () => {
    session = await startCodeServerSession({
      name: 'open-error',
      vsixPaths: [await packagedExtension()],
      userSettings: { 'orderscope.exchange': 'nosuchexchange', 'orderscope.statusBar.symbols': [] },
    });
    workbench = await openWorkbench(session);
  }, E2E_TIMEOUTS.setupMs);

  afterAll(async () => {
    await workbench?.close();
    await session?.stop();
  }, E2E_TIMEOUTS.teardownMs);

  it('Open Chart on an unknown exchange shows an error that names it', async () => {
    await workbench.runCommand('Orderscope: Open Chart');
    const toast = workbench.page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'nosuchexchange' });
    await expect.poll(() => toast.count(), { timeout: 30_000, interval: 200 }).toBeGreaterThan(0);
    const text = (await toast.first().textContent()) ?? '';
    expect(text).toMatch(/^Orderscope: BTC\/USDT · nosuchexchange: .*nosuchexchange/);
    console.log(`[open-error] notification: ${text}`);
    await workbench.screenshot('open-error');
  }, E2E_TIMEOUTS.testMs);
});
