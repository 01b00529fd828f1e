/**
 * A tiny HTTP server on 127.0.0.1 that serves the panel the way VS Code would: the HTML from
 * `panelHtml` (strict CSP, a fresh nonce per load) with the built bundle from dist/webview, its
 * origin standing in for `webview.cspSource`. Also serves lightweight-charts' standalone build
 * for the benchmark's naive page.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { newNonce, panelHtml } from '../../../src/extension/panel/panelHtml';

export interface HarnessServer {
  origin: string;
  /** URL of the panel page. */
  panelUrl: string;
  /** URL of a blank page with lightweight-charts loaded as `window.LightweightCharts`. */
  naiveUrl: string;
  /** Nonces handed out, one per panel load. */
  nonces: string[];
  close(): Promise<void>;
}

/**
 * The repository root (the folder with Orderscope's package.json): above `from` (a test's or a
 * bundle's directory), else above the working directory.
 */
export function repoRoot(from: string = __dirname): string {
  for (const start of [from, process.cwd()]) {
    let dir = resolve(start);
    for (;;) {
      const pkg = join(dir, 'package.json');
      if (existsSync(pkg) && /"name":\s*"orderscope"/.test(readFileSync(pkg, 'utf8'))) return dir;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  throw new Error(`no orderscope package.json above ${from} or ${process.cwd()}`);
}

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.html': 'text/html' };

export async function startHarnessServer(root: string = repoRoot()): Promise<HarnessServer> {
  const bundle = join(root, 'dist', 'webview');
  if (!existsSync(join(bundle, 'main.js'))) throw new Error(`${bundle}/main.js is missing: run \`node scripts/build.mjs --only webview\``);
  const lwc = join(root, 'node_modules', 'lightweight-charts', 'dist', 'lightweight-charts.standalone.production.js');
  // Read once: a concurrent rebuild of dist/ (another `npm run build`) cannot break a load.
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(bundle)) files.set(`/webview/${name}`, readFileSync(join(bundle, name)));
  files.set('/lwc.js', readFileSync(lwc));
  const nonces: string[] = [];
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    const send = (status: number, type: string, body: string | Buffer): void => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/panel.html') {
      const nonce = newNonce();
      nonces.push(nonce);
      const html = panelHtml({
        cspSource: origin,
        nonce,
        scriptUri: `${origin}/webview/main.js`,
        styleUri: `${origin}/webview/main.css`,
        title: 'Orderscope harness',
      });
      return send(200, 'text/html', html);
    }
    if (url.pathname === '/favicon.ico') return send(204, 'image/x-icon', '');
    if (url.pathname === '/naive.html') {
      return send(200, 'text/html', '<!DOCTYPE html><html><head><style>html,body{margin:0;height:100%;background:#1e1e1e}#c{height:100%}</style></head><body><div id="c"></div><script src="/lwc.js"></script></body></html>');
    }
    const file = files.get(url.pathname);
    if (file !== undefined) return send(200, TYPES[url.pathname.slice(url.pathname.lastIndexOf('.'))] ?? 'application/octet-stream', file);
    send(404, 'text/plain', 'not found');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    panelUrl: `${origin}/panel.html`,
    naiveUrl: `${origin}/naive.html`,
    nonces,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
