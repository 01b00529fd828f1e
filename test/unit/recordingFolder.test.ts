/**
 * The recording dialogs start in a folder the user can find again: the recordings.folder setting
 * (absolute, `~/…`, or relative to the workspace folder), else the workspace folder, else home;
 * never the file system's root (a bare file name put the save dialog there).
 */
import { describe, expect, it, vi } from 'vitest';

const dialogs = vi.hoisted(() => ({ save: [] as { defaultUri: { fsPath: string } }[], workspace: [] as { uri: { fsPath: string } }[] }));
vi.mock('vscode', () => ({
  window: {
    createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
    showSaveDialog: async (options: { defaultUri: { fsPath: string } }) => {
      dialogs.save.push(options);
      return undefined;
    },
  },
  workspace: {
    get workspaceFolders() {
      return dialogs.workspace.length > 0 ? dialogs.workspace : undefined;
    },
  },
  Uri: { file: (fsPath: string) => ({ fsPath }) },
  StatusBarAlignment: { Left: 1 },
}));

import { homedir } from 'node:os';
import { join } from 'node:path';
import { RecordingController } from '../../src/extension/recording/recordingController';
import { recordingFolder } from '../../src/extension/recording/recordingFolder';
import { readSettings } from '../../src/extension/settings/settingsModel';

describe('recording folder', () => {
  it('is the setting when set, else the workspace folder, else home', () => {
    expect(recordingFolder('', '/work/project', '/home/ann')).toBe('/work/project');
    expect(recordingFolder('  ', undefined, '/home/ann')).toBe('/home/ann');
    expect(recordingFolder('/data/captures', '/work/project', '/home/ann')).toBe('/data/captures');
    expect(recordingFolder('~/captures', '/work/project', '/home/ann')).toBe('/home/ann/captures');
    expect(recordingFolder('~', '/work/project', '/home/ann')).toBe('/home/ann');
    expect(recordingFolder('captures', '/work/project', '/home/ann')).toBe('/work/project/captures');
    expect(recordingFolder('captures', undefined, '/home/ann')).toBe('/home/ann/captures');
  });

  it("Start Recording's save dialog proposes a file in that folder", async () => {
    const controller = new RecordingController({ warn() {}, info() {} } as never);
    const app = (folder: string) => ({
      panels: { activePanel: { target: { exchange: 'binance', symbol: 'BTC/USDT' } } },
      registry: { find: () => ({ market: {} }) },
      settings: { settings: readSettings((key) => (key === 'recordings.folder' ? folder : undefined)).settings },
    });
    dialogs.workspace = [{ uri: { fsPath: '/work/project' } }];
    await controller.start(app('') as never);
    await controller.start(app('~/captures') as never);
    dialogs.workspace = [];
    await controller.start(app('') as never);
    const folders = dialogs.save.map((d) => d.defaultUri.fsPath.replace(/[/\\][^/\\]+$/, ''));
    expect(folders).toEqual(['/work/project', join(homedir(), 'captures'), homedir()]);
    expect(dialogs.save[0]!.defaultUri.fsPath).toMatch(/[/\\]BTCUSDT_\d{14}\.db$/);
    controller.dispose();
  });
});
