import * as vscode from 'vscode';
import type { Orderscope } from '../orderscope';
import type { RecordingController } from './recordingController';
import type { ReplayController } from './replayController';
import { COMMANDS, type CommandId } from '../commands/commandIds';

/** Replay Recording..., Start Recording, Stop Recording. */
export function registerRecordingCommands(app: Orderscope, replay: ReplayController, recording: RecordingController): vscode.Disposable[] {
  const reg = (id: CommandId, fn: () => Promise<void>): vscode.Disposable =>
    vscode.commands.registerCommand(id, async () => {
      try {
        await fn();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        app.log.error(`${id}: ${message}`);
        void vscode.window.showErrorMessage(`Orderscope: ${message}`);
      }
    });
  return [
    reg(COMMANDS.replayRecording, () => replay.run(app)),
    reg(COMMANDS.startRecording, () => recording.start(app)),
    reg(COMMANDS.stopRecording, () => recording.stop()),
  ];
}
