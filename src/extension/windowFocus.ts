import * as vscode from 'vscode';

/**
 * Whether this VS Code window is focused (`vscode.window.state`), as one shared value the parts
 * that follow the user's attention (chart panels, status-bar tickers) read and listen to.
 */
export class WindowFocus implements vscode.Disposable {
  focused: boolean;
  private readonly changed = new vscode.EventEmitter<boolean>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.focused = vscode.window.state.focused;
    this.subscription = vscode.window.onDidChangeWindowState((state) => {
      if (state.focused === this.focused) return;
      this.focused = state.focused;
      this.changed.fire(state.focused);
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
