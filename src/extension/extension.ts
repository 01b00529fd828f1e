import * as vscode from 'vscode';
import { registerCommands } from './commands/registerCommands';
import { Orderscope } from './orderscope';
import { RecordingController } from './recording/recordingController';
import { registerRecordingCommands } from './recording/registerRecordingCommands';
import { ReplayController } from './recording/replayController';
import { COMMANDS } from './commands/commandIds';

/**
 * The running composition roots (one per activation), for `deactivate`: the only hook VS Code
 * awaits, so the sessions' closing is awaited there, not left to the context's disposal.
 */
const running = new Set<Orderscope>();

/**
 * Activation: builds the composition root and registers the commands. Nothing here loads ccxt
 * (the first live feed does); the activation time is logged.
 */
export function activate(context: vscode.ExtensionContext): { activationMs: number } {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Orderscope', { log: true });
  const replay = new ReplayController(log);
  const app = new Orderscope(context, log, replay.createFeed);
  replay.attach(app.registry);
  const recording = new RecordingController(log);
  running.add(app);
  context.subscriptions.push(app, { dispose: () => running.delete(app) }, recording, ...registerCommands(app), ...registerRecordingCommands(app, replay, recording));
  const activationMs = performance.now() - started;
  app.log.info(`activated in ${activationMs.toFixed(1)} ms`);
  if (app.settings.settings.demoOnStartup) void vscode.commands.executeCommand(COMMANDS.openDemo);
  return { activationMs };
}

/** Closes every session's feed and socket before VS Code unloads the extension; the rest is disposed through context.subscriptions. */
export async function deactivate(): Promise<void> {
  await Promise.all([...running].map((app) => app.closeSessions()));
}
