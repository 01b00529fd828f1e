/**
 * Runs INSIDE the VS Code extension host (bundled by esbuild, `vscode` external), with the packaged
 * Orderscope as the extension under development. VS Code calls `run()`; a rejection makes the
 * extension host exit non-zero, which the harness (test/e2e/inHostTests.ts) reports as a failure.
 * Each check logs one line so the vitest side can show what ran.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runChecks, type Check } from './hostSupport';

const EXTENSION_ID = 'orderscope.orderscope';

const checks: readonly Check[] = [
  [
    'the packaged extension is present and activates',
    async () => {
      const extension = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(extension, `${EXTENSION_ID} is not installed in this extension host`);
      await extension.activate();
      assert.equal(extension.isActive, true);
    },
  ],
  [
    'orderscope.showLog is a registered command',
    async () => {
      const commands = await vscode.commands.getCommands(true);
      assert.ok(commands.includes('orderscope.showLog'), 'orderscope.showLog missing from vscode.commands.getCommands()');
    },
  ],
  [
    'orderscope.showLog runs without error',
    async () => {
      await vscode.commands.executeCommand('orderscope.showLog');
    },
  ],
];

/** Entry point VS Code calls (extensionTestsPath); resolves when every check passed. */
export function run(): Promise<void> {
  return runChecks(checks);
}
