import * as vscode from 'vscode';
import { changedSettings, readSettings, type OrderscopeSettings, type SettingsChange } from './settingsModel';

/**
 * The one typed accessor for Orderscope's configuration. Re-reads on every change (so every
 * change applies live) and reports which settings changed, so each part reacts only to the keys
 * it uses (`onDidChangeKeys`); reports each bad value once with a message naming the setting.
 */
export class SettingsService implements vscode.Disposable {
  private current: OrderscopeSettings;
  private readonly changed = new vscode.EventEmitter<SettingsChange>();
  private readonly reported = new Set<string>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.changed.event;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.current = this.read();
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('orderscope')) return;
      const previous = this.current;
      this.current = this.read();
      const keys = changedSettings(previous, this.current);
      if (keys.size > 0) this.changed.fire({ settings: this.current, keys });
    });
  }

  /**
   * Calls `listener` when any of `keys` changed (with the new settings); the other changes pass
   * it by. The returned disposable unsubscribes.
   */
  onDidChangeKeys(keys: readonly (keyof OrderscopeSettings)[], listener: (settings: OrderscopeSettings, change: SettingsChange) => void): vscode.Disposable {
    return this.changed.event((change) => {
      if (keys.some((key) => change.keys.has(key))) listener(change.settings, change);
    });
  }

  get settings(): OrderscopeSettings {
    return this.current;
  }

  /**
   * Writes one setting where it is in force (a workspace value would
   * shadow a user setting: the change would silently do nothing), else in the user settings.
   * Returns when it is stored.
   */
  async update(key: string, value: unknown): Promise<void> {
    const config = vscode.workspace.getConfiguration('orderscope');
    const inspected = config.inspect(key);
    // Read without a resource, so a folder's value never applies here; the workspace's does.
    const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await config.update(key, value, target);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  private read(): OrderscopeSettings {
    const config = vscode.workspace.getConfiguration('orderscope');
    const { settings, problems } = readSettings((key) => {
      // Only values the user set count; the schema defaults live in settingsModel too.
      const inspected = config.inspect(key);
      return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue;
    });
    for (const problem of problems) {
      this.log.warn(problem);
      if (!this.reported.has(problem)) {
        this.reported.add(problem);
        void vscode.window.showWarningMessage(`Orderscope: ${problem}`);
      }
    }
    return settings;
  }
}
