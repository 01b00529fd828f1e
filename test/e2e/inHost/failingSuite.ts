/**
 * Runs INSIDE the extension host and fails on purpose: proves the harness reports a failing
 * in-host suite as a non-zero exit code (so a broken in-host test can never pass silently).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const commands = await vscode.commands.getCommands(true);
  console.log(`[in-host] looking for a command that does not exist among ${commands.length}`);
  assert.ok(commands.includes('orderscope.noSuchCommand'), 'orderscope.noSuchCommand is not registered');
}
