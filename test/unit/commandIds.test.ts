/**
 * The typed command ids, what the extension registers, and package.json's `contributes.commands`
 * are the same set: a command registered but not contributed is missing from the palette, one
 * contributed but not registered fails with "command not found" when the user runs it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const registered = vi.hoisted(() => [] as string[]);
vi.mock('vscode', () => ({
  commands: {
    registerCommand: (id: string) => {
      registered.push(id);
      return { dispose() {} };
    },
  },
  window: {},
  TreeItem: class {},
}));

import { COMMAND_IDS } from '../../src/extension/commands/commandIds';
import { registerCommands } from '../../src/extension/commands/registerCommands';
import { registerRecordingCommands } from '../../src/extension/recording/registerRecordingCommands';

interface Manifest {
  contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]> };
}
const manifest: Manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8'));

/** What differs between two id lists, as messages; empty when they hold the same ids once each. */
function drift(listed: readonly string[], listedAs: string, other: readonly string[], otherAs: string): string[] {
  const problems: string[] = [];
  for (const id of new Set(listed)) if (!other.includes(id)) problems.push(`${id} is ${listedAs} but not ${otherAs}`);
  for (const id of new Set(other)) if (!listed.includes(id)) problems.push(`${id} is ${otherAs} but not ${listedAs}`);
  for (const [list, as] of [[listed, listedAs], [other, otherAs]] as const) {
    for (const id of new Set(list.filter((x, i) => list.indexOf(x) !== i))) problems.push(`${id} is ${as} twice`);
  }
  return problems;
}

registerCommands({} as never);
registerRecordingCommands({} as never, {} as never, {} as never);
const contributed = manifest.contributes.commands.map((c) => c.command);

describe('command ids', () => {
  it('every typed id is registered, and nothing else', () => {
    expect(drift(registered, 'registered', COMMAND_IDS, 'in COMMAND_IDS')).toEqual([]);
  });

  it("package.json contributes exactly the typed ids (there are no internal commands)", () => {
    expect(drift(contributed, 'contributed', COMMAND_IDS, 'in COMMAND_IDS')).toEqual([]);
  });

  it('menus name only contributed commands', () => {
    const inMenus = Object.values(manifest.contributes.menus).flatMap((entries) => entries.map((e) => e.command));
    expect(inMenus.filter((id) => !contributed.includes(id))).toEqual([]);
  });

  it('reports drift either way, and duplicates', () => {
    const dropped = contributed.filter((id) => id !== 'orderscope.showLog');
    expect(drift(dropped, 'contributed', COMMAND_IDS, 'in COMMAND_IDS')).toEqual(['orderscope.showLog is in COMMAND_IDS but not contributed']);
    expect(drift([...registered, 'orderscope.extra', registered[0]!], 'registered', COMMAND_IDS, 'in COMMAND_IDS')).toEqual([
      'orderscope.extra is registered but not in COMMAND_IDS',
      `${registered[0]} is registered twice`,
    ]);
  });
});
