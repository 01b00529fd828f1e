// Builds every bundle with esbuild:
//   dist/extension.js   the extension host (node, CJS, `vscode` external)
//   dist/webview/       the panel app (browser, IIFE)
//   dist/tools/*.js     developer tools (verify)
//   dist/bench/*.js     benchmarks
// Flags: --watch, --production (minify, no sourcemaps), --only <name>.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';

const args = process.argv.slice(2);
const watch = args.includes('--watch');
const production = args.includes('--production');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  target: 'es2022',
};

/** Node-side bundles. ccxt's optional native/protobuf pieces stay external (see CCXT-FACTS.md). */
const nodeExternals = ['vscode', 'protobufjs', 'protobufjs/*', 'bufferutil', 'utf-8-validate', 'undici', 'playwright-core', 'ccxt'];

/**
 * The extension loads ccxt lazily (`import('ccxt')` on the first live feed). In the extension
 * bundle that import is rewritten to the sibling chunk `./ccxt.js`, built separately below, so
 * activation never parses ccxt and the .vsix ships no node_modules.
 */
const ccxtAsSiblingChunk = {
  name: 'ccxt-as-sibling-chunk',
  setup(build) {
    build.onResolve({ filter: /^ccxt$/ }, () => ({ path: './ccxt.js', external: true }));
  },
};

const targets = {
  extension: {
    ...common,
    entryPoints: ['src/extension/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    external: nodeExternals.filter((name) => name !== 'ccxt'),
    plugins: [ccxtAsSiblingChunk],
    // `import()` becomes a lazy `require`, which every extension host supports.
    supported: { 'dynamic-import': false },
  },
  ccxt: {
    ...common,
    entryPoints: ['scripts/ccxtChunk.cjs'],
    outfile: 'dist/ccxt.js',
    platform: 'node',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    external: ['protobufjs', 'protobufjs/*', 'bufferutil', 'utf-8-validate', 'undici'],
  },
  webview: {
    ...common,
    entryPoints: ['webview/main.ts'],
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
  },
  verify: {
    ...common,
    entryPoints: ['src/tools/verify.ts'],
    outfile: 'dist/tools/verify.js',
    platform: 'node',
    format: 'cjs',
    external: nodeExternals,
  },
  bench: {
    ...common,
    entryPoints: ['bench/bench.ts'],
    outfile: 'dist/bench/bench.js',
    platform: 'node',
    format: 'cjs',
    // The host section bundles an in-host suite with esbuild at run time.
    external: [...nodeExternals, 'esbuild'],
  },
};

const selected = Object.entries(targets).filter(([name, options]) => {
  if (only && name !== only) return false;
  return options.entryPoints.every((entry) => existsSync(entry));
});

// A production build starts clean, so no stale map or chunk reaches the package.
if (production) rmSync('dist', { recursive: true, force: true });

/**
 * node-sqlite3-wasm (recorder, SQLite replay) loads its .wasm from beside the script that bundles
 * it, so the file goes next to every node bundle that can reach it.
 */
function copySqliteWasm() {
  const wasm = 'node_modules/node-sqlite3-wasm/dist/node-sqlite3-wasm.wasm';
  for (const [name, options] of selected) {
    if (options.platform !== 'node' || name === 'ccxt') continue;
    const dir = options.outfile.slice(0, options.outfile.lastIndexOf('/'));
    mkdirSync(dir, { recursive: true });
    copyFileSync(wasm, `${dir}/node-sqlite3-wasm.wasm`);
  }
}

if (watch) {
  for (const [, options] of selected) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  copySqliteWasm();
  console.log(`watching ${selected.map(([name]) => name).join(', ')}`);
} else {
  await Promise.all(selected.map(([, options]) => esbuild.build(options)));
  copySqliteWasm();
}
