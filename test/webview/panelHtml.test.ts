/**
 * The panel's HTML: strict CSP with a per-load nonce, nothing remote, nothing inline. (The
 * browser tests load this same HTML and check that nothing violates the policy.)
 */
import { describe, expect, it } from 'vitest';
import { newNonce, panelCsp, panelHtml } from '../../src/extension/panel/panelHtml';

const options = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: newNonce(),
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/main.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/main.css',
  title: 'BTC/USDT · binance <test>',
};

function cspOf(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)![1]!.replace(/&#39;/g, "'");
  return new Map(content.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
}

describe('panelHtml', () => {
  it('allows only the nonce-carrying bundle and the webview origin, nothing inline or remote', () => {
    const html = panelHtml(options);
    const csp = cspOf(html);
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual([`'nonce-${options.nonce}'`]);
    for (const d of ['style-src', 'img-src', 'font-src']) expect(csp.get(d)).toEqual([options.cspSource]);
    expect(html).not.toMatch(/unsafe-inline|unsafe-eval|https?:\/\/(?!file\+\.vscode-resource)/);
    // Exactly one script, external, with the nonce; no inline script or style.
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).toContain(`<script nonce="${options.nonce}" src="${options.scriptUri}"></script>`);
    expect(html).not.toMatch(/<style|style="/);
    expect(html).toContain('<title>BTC/USDT · binance &lt;test&gt;</title>');
  });

  it('uses a fresh nonce per load and refuses unusable nonces or sources', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const n of nonces) expect(n).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(() => panelHtml({ ...options, nonce: 'short' })).toThrow(/nonce/);
    expect(() => panelHtml({ ...options, cspSource: "x; script-src 'unsafe-inline'" })).toThrow(/cspSource/);
    expect(() => panelHtml({ ...options, cspSource: "'self' 'unsafe-eval'" })).toThrow(/cspSource/);
    expect(panelCsp('vscode-webview://abc', 'n0nce0000000000000000')).toContain("script-src 'nonce-n0nce0000000000000000'");
  });

  it("accepts VS Code's source list form of cspSource ('self' plus the resource origin)", () => {
    const cspSource = "'self' https://*.vscode-cdn.net";
    const csp = cspOf(panelHtml({ ...options, cspSource }));
    for (const d of ['style-src', 'img-src', 'font-src']) expect(csp.get(d)).toEqual(["'self'", 'https://*.vscode-cdn.net']);
    expect(csp.get('script-src')).toEqual([`'nonce-${options.nonce}'`]);
  });
});
