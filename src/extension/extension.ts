import * as vscode from 'vscode';

/** Activation: registers the commands; every registration is owned by the context. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Orderscope', { log: true });
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand('orderscope.showLog', () => log.show()),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
