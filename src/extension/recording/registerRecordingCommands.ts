import * as vscode from 'vscode';
import type { Orderscope } from '../orderscope';
import type { RecordingController } from './recordingController';
import type { ReplayController } from './replayController';
import { COMMANDS, type CommandId } from '../commands/commandIds';

/** Replay Recording..., the running replay's controls, Start Recording, Stop Recording. */
export function registerRecordingCommands(app: Orderscope, replay: ReplayController, recording: RecordingController): vscode.Disposable[] {
  const reg = (id: CommandId, fn: (...args: unknown[]) => Promise<void>): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        await fn(...args);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        app.log.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`Orderscope: ${message}`);
      }
    });
  return [
    reg(COMMANDS.replayRecording, () => replay.run(app)),
    // From the palette without arguments; from a panel's buttons with its market and the value.
    reg(COMMANDS.replayTogglePause, (target, paused) => replay.togglePause(app, target, paused)),
    reg(COMMANDS.replaySpeed, (target, speed) => replay.setSpeed(app, target, speed)),
    reg(COMMANDS.replayJumpToTime, (target, time) => replay.jumpToTime(app, target, time)),
    reg(COMMANDS.startRecording, () => recording.start(app)),
    reg(COMMANDS.stopRecording, () => recording.stop()),
  ];
}
