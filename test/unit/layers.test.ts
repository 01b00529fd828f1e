/**
 * The layers are held by the compiler: each case drops probe files into a layer and type-checks
 * them with `tsc -p` under that layer's own tsconfig (a throwaway config that extends it and lists
 * only the probes, so one small program is checked), then removes them. A probe that breaks a
 * rule must fail with the expected error; a probe that uses what the layer may use must pass, so
 * a failure is the rule's and not the setup's. A wrong import is caught by the layer's rootDir
 * (TS6059); the real build also says "not listed" (TS6307), which here any non-probe file gets.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

interface TscError {
  code: string;
  message: string;
}

/** Probe file name (inside the layer) to its source. */
type Probes = Record<string, string>;

/**
 * Writes `probes` into `<layerDir>/__layerProbe__/`, type-checks them with the layer's tsconfig
 * and returns the errors per probe file name ('' for errors in other files). Leaves nothing
 * behind, whatever happens.
 */
function checkInLayer(layerDir: string, probes: Probes): Map<string, TscError[]> {
  const layerConfig = join(ROOT, layerDir, 'tsconfig.json');
  // The probe config sits with the probes, inside the repository, so @types resolve as for the layer.
  const probeDir = join(ROOT, layerDir, '__layerProbe__');
  try {
    mkdirSync(probeDir);
    const files = Object.entries(probes).map(([name, source]) => {
      const path = join(probeDir, name);
      writeFileSync(path, source);
      return path;
    });
    // `references` is not inherited through `extends`; the probe needs the layer's own.
    const { config } = ts.readConfigFile(layerConfig, ts.sys.readFile);
    const references = ((config.references ?? []) as { path: string }[]).map((reference) => ({
      path: resolve(ROOT, layerDir, reference.path),
    }));
    const probeConfig = join(probeDir, 'tsconfig.json');
    writeFileSync(
      probeConfig,
      JSON.stringify({
        extends: layerConfig,
        // Only the probes (the layer's `include` is inherited otherwise); noEmit, and the
        // incremental state stays in the probe folder, away from .tsbuild/.
        compilerOptions: { noEmit: true, tsBuildInfoFile: join(probeDir, 'probe.tsbuildinfo') },
        files,
        include: [],
        references,
      }),
    );
    const run = spawnSync(process.execPath, [TSC, '-p', probeConfig, '--pretty', 'false'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    const errors = errorsByProbe(run.stdout, probeDir);
    // Outside the probes only the files an offending import drags in may fail, and only for
    // being outside the layer (not under rootDir / not listed): anything else is a broken setup.
    for (const error of errors.get('') ?? []) expect(['TS6059', 'TS6307'], error.message).toContain(error.code);
    return errors;
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
}

/** `file(line,col): error TSnnnn: message` lines, grouped by probe file name ('' for others). */
function errorsByProbe(output: string, probeDir: string): Map<string, TscError[]> {
  const byProbe = new Map<string, TscError[]>();
  for (const line of output.split('\n')) {
    const match = /^(.+?)\(\d+,\d+\): error (TS\d+): (.*)$/.exec(line) ?? /^()error (TS\d+): (.*)$/.exec(line);
    if (!match) continue;
    const file = resolve(ROOT, match[1]);
    const name = file.startsWith(probeDir + '/') ? basename(file) : '';
    const list = byProbe.get(name) ?? [];
    list.push({ code: match[2], message: match[3] });
    byProbe.set(name, list);
  }
  return byProbe;
}

function codes(errors: Map<string, TscError[]>, probe: string): string[] {
  return (errors.get(probe) ?? []).map((error) => error.code);
}

function messages(errors: Map<string, TscError[]>, probe: string): string {
  return (errors.get(probe) ?? []).map((error) => error.message).join('\n');
}

/** The message a layer's tsconfig gives for a package mapped to the not-a-module file. */
const NOT_ALLOWED = /module-not-allowed-in-this-layer\.d\.ts' is not a module/;

describe('layers held by the compiler', () => {
  beforeAll(() => {
    // The webview's allowed probe imports the protocol, whose declarations tsc -p reads.
    const build = spawnSync(process.execPath, [TSC, '-b', 'src/engine/tsconfig.protocol.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(build.status, build.stdout + build.stderr).toBe(0);
  });

  it('the engine sees no DOM, no node, no package and nothing outside src/engine', () => {
    const errors = checkInLayer('src/engine', {
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
    });
    expect(errors.get('allowed.ts')).toBeUndefined();
    expect(codes(errors, 'usesWindow.ts')).toEqual(['TS2304']); // Cannot find name 'window'.
    expect(codes(errors, 'usesProcess.ts')).toEqual(['TS2591']); // Cannot find name 'process'; add 'node' to types?
    expect(codes(errors, 'usesTimer.ts')).toEqual(['TS2304']); // Cannot find name 'setTimeout'.
    expect(codes(errors, 'importsFeed.ts')).toContain('TS6059'); // File is not under 'rootDir'.
    expect(messages(errors, 'importsFeed.ts')).toContain('src/feeds/eventEmitter.ts');
    expect(messages(errors, 'importsNode.ts')).toMatch(NOT_ALLOWED);
    expect(messages(errors, 'importsCcxt.ts')).toMatch(NOT_ALLOWED);
  });

  it('the webview sees the DOM and the protocol, but no feed, no other engine file, no vscode, no node', () => {
    const errors = checkInLayer('webview', {
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
    });
    expect(errors.get('allowed.ts')).toBeUndefined();
    expect(codes(errors, 'importsFeed.ts')).toContain('TS6059');
    expect(codes(errors, 'importsEngine.ts')).toContain('TS6059');
    expect(messages(errors, 'importsEngine.ts')).toContain('src/engine/book/orderBook.ts');
    expect(messages(errors, 'importsVscode.ts')).toMatch(NOT_ALLOWED);
    expect(messages(errors, 'importsCcxt.ts')).toMatch(NOT_ALLOWED);
    expect(codes(errors, 'usesProcess.ts')).toEqual(['TS2591']);
  });

  it('the feeds see node and their packages, but no vscode, no DOM and no extension code', () => {
    const errors = checkInLayer('src/feeds', {
      'allowed.ts': [
        "import { readFileSync } from 'node:fs';",
        "import type { WebSocket } from 'ws';",
        'export const read = readFileSync;',
        'export type Socket = WebSocket;',
        'export const timer = setTimeout(() => process.exitCode, 1);',
      ].join('\n'),
      'importsVscode.ts': "export { window } from 'vscode';\n",
      'usesDocument.ts': "export const root = document.createElement('div');\n",
      'importsExtension.ts': "export { formatPrice } from '../../extension/statusBar/tickerText';\n",
    });
    expect(errors.get('allowed.ts')).toBeUndefined();
    expect(messages(errors, 'importsVscode.ts')).toMatch(NOT_ALLOWED);
    expect(codes(errors, 'usesDocument.ts')).toEqual(['TS2584']); // Cannot find name 'document'; lib 'dom'?
    expect(codes(errors, 'importsExtension.ts')).toContain('TS6059');
  });
});
