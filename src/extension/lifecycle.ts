/**
 * Ownership of disposables, as VS Code's own extensions do it: a long-lived part registers what
 * it makes (listeners, items, child parts) and disposing it disposes them in reverse order of
 * registration, each once, a throwing one not stopping the rest.
 */
import type * as vscode from 'vscode';

export abstract class DisposableOwner implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private isDisposed = false;

  protected get disposed(): boolean {
    return this.isDisposed;
  }

  /** Owns `disposable` (disposed at once when this is already disposed). Returns it. */
  protected register<T extends vscode.Disposable>(disposable: T): T {
    if (this.isDisposed) disposable.dispose();
    else this.owned.push(disposable);
    return disposable;
  }

  /** Disposes what was registered, last first. Idempotent. */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    for (let i = this.owned.length - 1; i >= 0; i--) {
      try {
        this.owned[i]!.dispose();
      } catch {
        // One part failing to let go must not keep the others' sockets and timers alive.
      }
    }
    this.owned.length = 0;
  }
}
