/**
 * Reads one Orderscope status-bar ticker as a person sees it: its text, its state (the item's
 * accessible label ends with ", live" / ", stale" / ", reconnecting" / ", error" /
 * ", connecting") and the price it shows, if any.
 */
import type { Workbench } from './workbench';

export interface ShownTicker {
  text: string;
  state: string;
  /** The price as shown (e.g. "61,694.02"), or null when the item shows none. */
  priceText: string | null;
}

/** A price the way the status bar writes it: en-US digit grouping, `precision` decimals. */
export function formatTickerPrice(value: number, precision: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: precision, maximumFractionDigits: precision });
}

/** The ticker item of `symbol` on `exchange`, or null when the status bar has none. */
export async function shownTicker(workbench: Workbench, exchange: string, symbol: string): Promise<ShownTicker | null> {
  return (await shownTickers(workbench)).get(`${exchange}.${symbol}`) ?? null;
}

/** Every Orderscope ticker item, keyed `exchange.symbol`, read in one pass over the status bar. */
export async function shownTickers(workbench: Workbench): Promise<Map<string, ShownTicker>> {
  const shown = new Map<string, ShownTicker>();
  for (const item of await workbench.statusBarItems()) {
    const key = /orderscope\.ticker\.(.+)$/.exec(item.id)?.[1];
    if (key === undefined) continue;
    const state = /, (\w+)$/.exec(item.ariaLabel)?.[1] ?? '';
    // Figure spaces (U+2007) pad the price to a steady width.
    const priceText = /(\d{1,3}(?:,\d{3})*\.\d+)/.exec(item.text.replace(/\u2007/g, ''))?.[1] ?? null;
    shown.set(key, { text: item.text, state, priceText });
  }
  return shown;
}

/** The item's tooltip, read by hovering it (the hover is closed again). */
export async function tickerTooltip(workbench: Workbench, exchange: string, symbol: string): Promise<string> {
  const item = workbench.page.locator(`.statusbar-item[id$="orderscope.ticker.${exchange}.${symbol}"]`);
  await item.hover();
  const hover = workbench.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: `${symbol} on ${exchange}` }).first();
  await hover.waitFor({ state: 'visible', timeout: 10_000 });
  const text = await hover.innerText();
  await workbench.page.mouse.move(700, 300);
  await workbench.page.keyboard.press('Escape');
  return text;
}
