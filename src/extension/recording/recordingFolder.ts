/**
 * Where the recording save dialog starts: the `orderscope.recordings.folder` setting when set
 * (`~` is the home folder; a relative path is taken from the workspace folder), else the first
 * workspace folder, else the home folder. Never the file system's root, where a bare file name
 * would put it. Pure: no vscode, no file system.
 */
import { isAbsolute, join, resolve } from 'node:path';

export function recordingFolder(setting: string, workspaceFolder: string | undefined, home: string): string {
  const base = workspaceFolder ?? home;
  const folder = setting.trim();
  if (folder === '') return base;
  if (folder === '~') return home;
  if (folder.startsWith('~/') || folder.startsWith('~\\')) return join(home, folder.slice(2));
  return isAbsolute(folder) ? folder : resolve(base, folder);
}
