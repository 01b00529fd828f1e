/**
 * The layers are held by the compiler. Each case runs `tsc -b` on a layer's own tsconfig, copied
 * unchanged with every config and the protocol sources into a temporary mirror of the repository
 * (node_modules linked), next to probe files: a probe that breaks a rule must fail with the
 * expected error; a probe that uses what the layer may use must pass, so a failure is the rule's
 * and not the setup's. The mirror keeps the probes out of the real tree (no half-written layer
 * for a concurrent build, no fresher mtime for the packaged-extension check) and is removed
 * whatever happens.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** Every project's config, and what they extend or map to. */
const CONFIGS = [
  'tsconfig.base.json',
  'types/module-not-allowed-in-this-layer.d.ts',
  'src/engine/tsconfig.json',
  'src/engine/tsconfig.protocol.json',
  'src/feeds/tsconfig.json',
  'src/extension/tsconfig.json',
  'webview/tsconfig.json',
];

interface TscError {
  code: string;
  message: string;
}

/** Path (from the repository root) to source. */
type Files = Record<string, string>;

/**
 * Builds `layerDir`'s project with `tsc -b` in a fresh mirror holding the configs, the protocol
 * sources, `otherFiles` (stand-ins in other layers) and `probes` (in `<layerDir>/probe/`).
 * Returns the errors per probe file name; errors elsewhere may only be a file being outside the
 * layer (an offending import drags the file in), anything else means a broken setup.
 */
function buildLayer(layerDir: string, probes: Files, otherFiles: Files = {}): Map<string, TscError[]> {
  const mirror = mkdtempSync(join(tmpdir(), 'orderscope-layers-'));
  try {
    symlinkSync(join(ROOT, 'node_modules'), join(mirror, 'node_modules'), 'dir');
    const protocol = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'src/engine/tsconfig.protocol.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    });
    const protocolFiles = (protocol?.fileNames ?? []).map((file) => relative(ROOT, file));
    expect(protocolFiles).toContain('src/engine/protocol.ts');
    for (const file of [...CONFIGS, ...protocolFiles]) {
      mkdirSync(dirname(join(mirror, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(mirror, file));
    }
    const written: Files = { ...otherFiles };
    for (const [name, source] of Object.entries(probes)) written[join(layerDir, 'probe', name)] = source;
    for (const [file, source] of Object.entries(written)) {
      mkdirSync(dirname(join(mirror, file)), { recursive: true });
      writeFileSync(join(mirror, file), source);
    }
    const run = spawnSync(process.execPath, [TSC, '-b', layerDir, '--pretty', 'false'], { cwd: mirror, encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    return errorsByProbe(run.stdout, join(mirror, layerDir, 'probe'), mirror);
  } finally {
    rmSync(mirror, { recursive: true, force: true });
  }
}

/** `file(line,col): error TSnnnn: message` lines by probe file name ('' for other files). */
function errorsByProbe(output: string, probeDir: string, mirror: string): Map<string, TscError[]> {
  const byProbe = new Map<string, TscError[]>();
  for (const line of output.split('\n')) {
    const match = /^(.+?)\(\d+,\d+\): error (TS\d+): (.*)$/.exec(line) ?? /^()error (TS\d+): (.*)$/.exec(line);
    if (!match) continue;
    const file = resolve(mirror, match[1]);
    const name = match[1] !== '' && file.startsWith(probeDir + '/') ? basename(file) : '';
    const list = byProbe.get(name) ?? [];
    list.push({ code: match[2], message: match[3] });
    byProbe.set(name, list);
  }
  // Not under 'rootDir' / not listed within the file list of the project.
  for (const error of byProbe.get('') ?? []) expect(['TS6059', 'TS6307'], error.message).toContain(error.code);
  return byProbe;
}

function codes(errors: Map<string, TscError[]>, probe: string): string[] {
  return (errors.get(probe) ?? []).map((error) => error.code);
}

function messages(errors: Map<string, TscError[]>, probe: string): string {
  return (errors.get(probe) ?? []).map((error) => error.message).join('\n');
}

/** The probe's import of `file` fails for being outside the layer (rootDir or file list). */
function expectOutsideLayer(errors: Map<string, TscError[]>, probe: string, file: string): void {
  const outside = (errors.get(probe) ?? []).filter((error) => error.code === 'TS6059' || error.code === 'TS6307');
  expect(outside.map((error) => error.message).join('\n'), probe).toContain(file);
}

/** What a layer's tsconfig says for a package it maps to the not-a-module file. */
const NOT_ALLOWED = /module-not-allowed-in-this-layer\.d\.ts' is not a module/;

/** Files of other layers for probes to import; what matters is where they are. */
const FEED_FILE = { 'src/feeds/eventEmitter.ts': 'export class EventEmitter {}\n' };
const ENGINE_FILE = { 'src/engine/book/orderBook.ts': 'export class OrderBook {}\n' };
const EXTENSION_FILE = { 'src/extension/statusBar/tickerText.ts': 'export const formatPrice = String;\n' };

describe('layers held by the compiler', () => {
  it('the engine sees no DOM, no node, no package and nothing outside src/engine', () => {
    const errors = buildLayer(
      'src/engine',
      {
        'allowed.ts': [
          "import { TIMEFRAME_MS } from '../protocol';",
          "export const minute = Math.round(TIMEFRAME_MS['1m']);",
          'export const bits = new Float64Array(4);',
        ].join('\n'),
        'usesWindow.ts': 'export const width = window.innerWidth;\n',
        'usesProcess.ts': 'export const now = process.hrtime.bigint();\n',
        'usesTimer.ts': 'export const timer = setTimeout(() => undefined, 1);\n',
        'importsFeed.ts': "export { EventEmitter } from '../../feeds/eventEmitter';\n",
        'importsNode.ts': "export { readFileSync } from 'node:fs';\n",
        'importsCcxt.ts': "export { pro } from 'ccxt';\n",
      },
      FEED_FILE,
    );
    expect(errors.get('allowed.ts')).toBeUndefined();
    expect(codes(errors, 'usesWindow.ts')).toEqual(['TS2304']); // Cannot find name 'window'.
    expect(codes(errors, 'usesProcess.ts')).toEqual(['TS2591']); // Cannot find name 'process'; add 'node' to types?
    expect(codes(errors, 'usesTimer.ts')).toEqual(['TS2304']); // Cannot find name 'setTimeout'.
    expectOutsideLayer(errors, 'importsFeed.ts', 'src/feeds/eventEmitter.ts');
    expect(messages(errors, 'importsNode.ts')).toMatch(NOT_ALLOWED);
    expect(messages(errors, 'importsCcxt.ts')).toMatch(NOT_ALLOWED);
  });

  it('the webview sees the DOM and the protocol, but no feed, no other engine file, no vscode, no node', () => {
    const errors = buildLayer(
      'webview',
      {
        'allowed.ts': [
          "import { PROTOCOL_VERSION, TIMEFRAMES } from '../../src/engine/protocol';",
          "import type { Time } from 'lightweight-charts';",
          'export const version: number = PROTOCOL_VERSION + TIMEFRAMES.length;',
          'export const time = 0 as Time;',
          "export const root = document.createElement('div');",
        ].join('\n'),
        'importsFeed.ts': "export { EventEmitter } from '../../src/feeds/eventEmitter';\n",
        'importsEngine.ts': "export { OrderBook } from '../../src/engine/book/orderBook';\n",
        'importsVscode.ts': "export { window } from 'vscode';\n",
        'importsCcxt.ts': "export { pro } from 'ccxt';\n",
        'usesProcess.ts': 'export const env = process.env;\n',
      },
      { ...FEED_FILE, ...ENGINE_FILE },
    );
    expect(errors.get('allowed.ts')).toBeUndefined();
    expectOutsideLayer(errors, 'importsFeed.ts', 'src/feeds/eventEmitter.ts');
    expectOutsideLayer(errors, 'importsEngine.ts', 'src/engine/book/orderBook.ts');
    expect(messages(errors, 'importsVscode.ts')).toMatch(NOT_ALLOWED);
    expect(messages(errors, 'importsCcxt.ts')).toMatch(NOT_ALLOWED);
    expect(codes(errors, 'usesProcess.ts')).toEqual(['TS2591']);
  });

  it('the feeds see node and their packages, but no vscode, no DOM and no extension code', () => {
    const errors = buildLayer(
      'src/feeds',
      {
        'allowed.ts': [
          "import { readFileSync } from 'node:fs';",
          "import type { WebSocket } from 'ws';",
          "import { TIMEFRAMES } from '../../engine/protocol';",
          'export const read = readFileSync;',
          'export type Socket = WebSocket;',
          'export const timer = setTimeout(() => process.exitCode ?? TIMEFRAMES.length, 1);',
        ].join('\n'),
        'importsVscode.ts': "export { window } from 'vscode';\n",
        'usesDocument.ts': "export const root = document.createElement('div');\n",
        'importsExtension.ts': "export { formatPrice } from '../../extension/statusBar/tickerText';\n",
      },
      EXTENSION_FILE,
    );
    expect(errors.get('allowed.ts')).toBeUndefined();
    expect(messages(errors, 'importsVscode.ts')).toMatch(NOT_ALLOWED);
    expect(codes(errors, 'usesDocument.ts')).toEqual(['TS2584']); // Cannot find name 'document'; lib 'dom'?
    expectOutsideLayer(errors, 'importsExtension.ts', 'src/extension/statusBar/tickerText.ts');
  });
});
