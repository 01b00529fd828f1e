/**
 * The panel webview's HTML: a strict Content-Security-Policy (nothing loads but the bundled
 * script, carrying this load's nonce, and the bundled stylesheet from the webview's own
 * resource origin; no inline script, no eval, no remote content, no connections).
 * Pure: the caller supplies the URIs (`webview.asWebviewUri`), `webview.cspSource` and a nonce.
 */
import { randomBytes } from 'node:crypto';

export interface PanelHtmlOptions {
  /** `webview.cspSource`: the origin the webview's local resources are served from. */
  cspSource: string;
  /** A fresh value for every load ({@link newNonce}). */
  nonce: string;
  /** URI of dist/webview/main.js. */
  scriptUri: string;
  /** URI of dist/webview/main.css. */
  styleUri: string;
  /** The panel's title, e.g. `BTC/USDT · binance`. */
  title: string;
}

/** A CSP nonce: 128 random bits, base64 (the characters CSP allows in a nonce). */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The Content-Security-Policy for the panel. */
export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The whole document. O(1). */
export function panelHtml(options: PanelHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(options.nonce)) throw new Error('the CSP nonce must be at least 16 base64 characters');
  if (!isSourceList(options.cspSource)) throw new Error(`unexpected characters in cspSource ${JSON.stringify(options.cspSource)}`);
  const csp = panelCsp(options.cspSource, options.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
<title>${escapeHtml(options.title)}</title>
</head>
<body>
<script nonce="${escapeHtml(options.nonce)}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>
`;
}

/**
 * VS Code's `cspSource` is a CSP source list: `'self' https://*.vscode-cdn.net` in VS Code 1.139
 * (desktop and web), a single origin in older versions. Each token must be `'self'` or a
 * host/scheme source; nothing that could end the directive (`;`, `,`) or add a keyword.
 */
function isSourceList(cspSource: string): boolean {
  const tokens = cspSource.trim().split(/\s+/);
  return tokens.length > 0 && tokens.every((token) => token === "'self'" || /^[^\s;,'"]+$/.test(token));
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
