/**
 * Drives the real VS Code workbench served by code-server in Chromium or Chrome (found by
 * scripts/testEnv/chromium.mjs) through playwright-core: command palette, quick picks, status bar,
 * Output panel, webviews, reload and screenshots (saved under test-artifacts/e2e/).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_LAUNCH_ARGS, chromiumPath } from '../../scripts/testEnv/chromium.mjs';
import { E2E_ARTIFACTS_DIR, type CodeServerSession } from './codeServerSession';

/** How long UI waits may take: the workbench and extension host start in a few seconds warm. */
const UI_TIMEOUT_MS = 30_000;

export interface OpenWorkbenchOptions {
  /** Appended to the session URL, e.g. `?payload=...` for in-host tests. */
  query?: string;
  /** Runs after the page exists and before it loads the workbench (e.g. `page.exposeFunction`). */
  beforeLoad?: (page: Page) => Promise<void>;
  /** Wait for `.monaco-workbench` (default true). */
  waitForWorkbench?: boolean;
}

/** One browser window on the workbench. */
export class Workbench {
  constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly name: string,
  ) {}

  /** The quick input (command palette, quick picks). */
  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Rows of the quick input's list. */
  get quickInputRows(): Locator {
    return this.quickInput.locator('.monaco-list-row');
  }

  /** Waits for the workbench and for extensions to finish activating. */
  async waitForReady(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.statusbar-item').first().waitFor({ timeout: UI_TIMEOUT_MS });
    // "Activating Extensions..." is shown in the status bar while startup activation runs.
    await this.page.locator('#status\\.progress', { hasText: 'Activating Extensions' }).waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
  }

  /**
   * Opens the command palette (F1) and types `text` after its `>`; returns the labels of the rows
   * shown once one matches (or none can), or after `settleMs`.
   */
  async searchCommands(text: string, settleMs = UI_TIMEOUT_MS): Promise<string[]> {
    const input = this.quickInput.locator('input');
    // The palette can close again as it opens (a webview that was just clicked takes the focus
    // back; a modal editor closing leaves it inert for a moment): open it again rather than wait
    // 30 s on an input that is gone.
    for (let attempt = 1; ; attempt++) {
      await this.closeQuickInput();
      await this.page.keyboard.press('F1');
      try {
        await input.waitFor({ timeout: 5_000 });
        await input.fill(`>${text}`, { timeout: 5_000 });
        break;
      } catch (error) {
        if (attempt >= 4) throw error;
        await this.page.keyboard.press('Escape');
        await this.page.waitForTimeout(500);
      }
    }
    // The list filters asynchronously: wait until a row matches the text (or none can).
    await this.page.waitForFunction(
      (needle) => {
        const rows = [...document.querySelectorAll('.quick-input-widget .monaco-list-row')];
        // The message element stays in the DOM (hidden) after it was shown once.
        const message = document.querySelector<HTMLElement>('.quick-input-widget .quick-input-message');
        const noResults = message !== null && message.offsetParent !== null && message.textContent?.includes('No matching');
        return noResults || rows.some((row) => row.querySelector('.label-name')?.textContent?.toLowerCase().includes(needle.toLowerCase()));
      },
      text,
      { timeout: settleMs },
    ).catch(() => undefined); // no match in time: the caller's assertion on the rows reports it
    // The label, without the keybinding that the row's aria-label appends.
    return this.quickInputRows.evaluateAll((rows) => rows.map((row) => row.querySelector('.label-name')?.textContent ?? ''));
  }

  /** Runs a command from the palette by its exact label, e.g. "Orderscope: Show Log". */
  async runCommand(label: string): Promise<void> {
    // Right after startup the palette can open before the remote extension host has sent the
    // contributed commands, or re-render its list under the pointer: search again until a
    // row with the label is there and takes the click.
    const deadline = Date.now() + UI_TIMEOUT_MS;
    for (;;) {
      const listed = (await this.searchCommands(label, 3_000)).includes(label);
      if (listed) {
        try {
          await this.pickQuickInputRow(label, 5_000);
          return;
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
      } else if (Date.now() > deadline) {
        throw new Error(`the command palette does not list "${label}"; it lists ${JSON.stringify(await this.searchCommands(label))}`);
      }
      await this.closeQuickInput();
      await this.page.waitForTimeout(500);
    }
  }

  /**
   * Runs a command that opens an input box, and waits until the box shows `boxText` (its title or
   * prompt). A click on a palette row that re-renders under load can miss: then the command is run
   * again (up to 3 times), rather than typing into the closing palette.
   */
  async runCommandForInput(label: string, boxText: string): Promise<Locator> {
    for (let attempt = 1; ; attempt++) {
      await this.runCommand(label);
      const box = this.quickInput.filter({ hasText: boxText });
      try {
        await box.waitFor({ state: 'visible', timeout: 10_000 });
        return box.locator('input');
      } catch (error) {
        if (attempt >= 3) throw error;
        await this.closeQuickInput();
      }
    }
  }

  /**
   * Runs a command that opens an input box and types `value` into it (no Enter). The box can close
   * again before it takes the text (the workbench turned inert for a moment, a webview took the
   * focus back): then the command is run again, up to 3 times, rather than waiting 30 s on a
   * gone input. Returns the input, holding `value`.
   */
  async fillCommandInput(label: string, boxText: string, value: string): Promise<Locator> {
    for (let attempt = 1; ; attempt++) {
      const input = await this.runCommandForInput(label, boxText);
      try {
        await input.fill(value, { timeout: 5_000 });
        return input;
      } catch (error) {
        if (attempt >= 3) throw error;
        await this.closeQuickInput();
      }
    }
  }

  /** In an open quick pick: clicks the row whose label is exactly `label` (fails if none). */
  async pickQuickInputRow(label: string, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
    const exactLabel = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const row = this.quickInputRows.filter({ has: this.page.locator('.label-name', { hasText: exactLabel }) }).first();
    // Not waiting for the widget to close: the picked command may open another quick pick.
    await row.click({ timeout: timeoutMs });
  }

  /**
   * Runs a command that opens a quick pick and picks the row labelled `label`. The pick can close
   * before the click lands (a webview took the focus back): then the command is run again, up to
   * 3 times, rather than waiting 30 s on a gone row.
   */
  async runCommandAndPick(command: string, label: string, filterText?: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.runCommand(command);
      try {
        await this.quickInput.waitFor({ state: 'visible', timeout: 10_000 });
        if (filterText !== undefined) await this.quickInput.locator('input').fill(filterText, { timeout: 5_000 });
        await this.pickQuickInputRow(label, 10_000);
        return;
      } catch (error) {
        if (attempt >= 3 || (await this.quickInput.isVisible())) throw error;
      }
    }
  }

  /** Waits for a quick pick (opened by a command) and picks the row labelled `label`. */
  async pickFromQuickPick(label: string, filterText?: string): Promise<void> {
    await this.quickInput.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    if (filterText !== undefined) await this.quickInput.locator('input').fill(filterText);
    await this.pickQuickInputRow(label);
  }

  /** Closes the quick input if it is open. */
  async closeQuickInput(): Promise<void> {
    if (await this.quickInput.isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    }
  }

  /** Status-bar items as `{ id, text, ariaLabel }` (id is the contributing extension's item id). */
  async statusBarItems(): Promise<{ id: string; text: string; ariaLabel: string }[]> {
    return this.page.locator('.statusbar-item').evaluateAll((items) =>
      items.map((item) => ({
        id: item.id,
        text: (item as HTMLElement).innerText.trim(),
        ariaLabel: item.getAttribute('aria-label') ?? '',
      })),
    );
  }

  /** A status-bar item whose text contains `text`. */
  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar-item', { hasText: text });
  }

  /** The channel picker of the Output panel (the panel's title bar and the view header each have one; one is shown). */
  get outputChannelPicker(): Locator {
    return this.page.locator('.part.panel select[aria-label="Switch Output"]').filter({ visible: true }).first();
  }

  /** The names of the channels the Output panel offers (the panel must be open). */
  async outputChannels(): Promise<string[]> {
    await this.outputChannelPicker.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    return this.outputChannelPicker.locator('option:not([disabled])').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  }

  /** The content frame of the active webview (panel or view). */
  webviewFrame(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  /**
   * Runs "Developer: Reload Window" as a user does: the workbench shuts down in order (editors
   * and webview states are saved; a bare page reload can lose them) before the page loads
   * again; waits until it is ready again.
   */
  async reload(): Promise<void> {
    const reloaded = this.page.waitForEvent('load', { timeout: 60_000 });
    await this.runCommand('Developer: Reload Window');
    await reloaded;
    await this.waitForReady();
  }

  /** Saves a full-window screenshot to test-artifacts/e2e/<session>-<label>.png; returns its path. */
  async screenshot(label: string): Promise<string> {
    mkdirSync(E2E_ARTIFACTS_DIR, { recursive: true });
    const path = join(E2E_ARTIFACTS_DIR, `${this.name}-${label}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/** Opens the session's workbench in a fresh Chromium profile and waits until it is ready. */
export async function openWorkbench(session: CodeServerSession, options: OpenWorkbenchOptions = {}): Promise<Workbench> {
  const context = await chromium.launchPersistentContext(join(session.profile.dir, 'chromium'), {
    executablePath: chromiumPath(),
    args: [...CHROMIUM_LAUNCH_ARGS],
    viewport: { width: 1400, height: 900 },
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await options.beforeLoad?.(page);
    const workbench = new Workbench(context, page, session.name);
    const query = options.query ?? '';
    const separator = query && session.url.includes('?') ? '&' : query ? '?' : '';
    await page.goto(`${session.url}${separator}${query.replace(/^\?/, '')}`);
    if (options.waitForWorkbench !== false) await workbench.waitForReady();
    return workbench;
  } catch (error) {
    await context.close();
    throw error;
  }
}
