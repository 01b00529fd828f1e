/**
 * A chart that cannot open never sits at "connecting…" in silence: with an exchange id ccxt does
 * not know, "Orderscope: Open Chart" shows an error notification naming the exchange, and the
 * panel says so in place of the chart, with a "Switch Symbol…" button that opens the picker.
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
    // The panel itself says so, centred where the chart would be, with a way out.
    const frame = app.workbench.webviewFrame();
    const title = frame.locator('.open-failure-title');
    await expect.poll(() => title.textContent().catch(() => null), { timeout: 30_000, interval: 200 }).toBe('BTC/USDT on nosuchexchange could not be opened');
    expect(await frame.locator('.open-failure-detail').textContent()).toMatch(/nosuchexchange/);
    expect(await frame.locator('.panel').isVisible()).toBe(false);
    expect(await frame.locator('select.timeframe').isVisible()).toBe(false);
    expect(await frame.locator('.badge').textContent()).toBe('error');
    await app.workbench.screenshot('open-error');
    // Its button runs Switch Symbol: the picker lists the exchange's markets, which for this
    // exchange fails with its own message (the open error's names the chart first).
    const pickerError = app.workbench.page.locator('.notifications-toasts .notification-list-item-message', { hasText: /^Orderscope: unknown exchange "nosuchexchange"/ });
    expect(await pickerError.count()).toBe(0);
    await frame.getByRole('button', { name: 'Switch Symbol…' }).click();
    await expect.poll(() => pickerError.count(), { timeout: 30_000, interval: 200 }).toBeGreaterThan(0);
    await app.workbench.screenshot('open-error-switch-symbol');
  }, E2E_TIMEOUTS.testMs);
});
