/**
 * A chart that cannot open never sits at "connecting…" in silence: with an exchange id ccxt does
 * not know, "Orderscope: Open Chart" shows an error notification naming the exchange.
 */
import { describe, expect, it } from 'vitest';
import { E2E_TIMEOUTS } from './codeServerSession';
import { useExtensionWindow } from './extensionWindow';

describe('a chart that cannot open, in a real VS Code', () => {
  const app = useExtensionWindow('open-error', () => ({ 'orderscope.exchange': 'nosuchexchange', 'orderscope.statusBar.symbols': [] }));

  it('Open Chart on an unknown exchange shows an error that names it', async () => {
    await app.workbench.runCommand('Orderscope: Open Chart');
    const toast = app.workbench.page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'nosuchexchange' });
    await expect.poll(() => toast.count(), { timeout: 30_000, interval: 200 }).toBeGreaterThan(0);
    const text = (await toast.first().textContent()) ?? '';
    expect(text).toMatch(/^Orderscope: BTC\/USDT · nosuchexchange: .*nosuchexchange/);
    console.log(`[open-error] notification: ${text}`);
    await app.workbench.screenshot('open-error');
  }, E2E_TIMEOUTS.testMs);
});
