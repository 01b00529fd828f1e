/**
 * The theme VS Code gives a webview: a body class and CSS variables on <html>. Two stand-ins
 * with distinct, known colours so tests can check the canvas is drawn in them.
 */
export interface HarnessTheme {
  bodyClass: 'vscode-dark' | 'vscode-light' | 'vscode-high-contrast';
  vars: Record<string, string>;
}

const common = {
  '--vscode-font-family': '"DejaVu Sans", system-ui, sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"DejaVu Sans Mono", monospace',
};

export const DARK: HarnessTheme = {
  bodyClass: 'vscode-dark',
  vars: {
    ...common,
    '--vscode-editor-background': '#1e1e1e',
    '--vscode-editor-foreground': '#d4d4d4',
    '--vscode-foreground': '#cccccc',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-panel-border': '#3c3c3c',
    '--vscode-charts-green': '#22c55e',
    '--vscode-charts-red': '#ef4444',
    '--vscode-charts-blue': '#3b82f6',
    '--vscode-charts-yellow': '#eab308',
    '--vscode-charts-orange': '#f97316',
    '--vscode-charts-purple': '#a855f7',
    '--vscode-dropdown-background': '#313131',
    '--vscode-dropdown-foreground': '#cccccc',
    '--vscode-dropdown-border': '#3c3c3c',
    '--vscode-button-background': '#0078d4',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-focusBorder': '#0078d4',
  },
};

export const LIGHT: HarnessTheme = {
  bodyClass: 'vscode-light',
  vars: {
    ...common,
    '--vscode-editor-background': '#ffffff',
    '--vscode-editor-foreground': '#1f1f1f',
    '--vscode-foreground': '#3b3b3b',
    '--vscode-descriptionForeground': '#6f6f6f',
    '--vscode-panel-border': '#e5e5e5',
    '--vscode-charts-green': '#15803d',
    '--vscode-charts-red': '#b91c1c',
    '--vscode-charts-blue': '#1d4ed8',
    '--vscode-charts-yellow': '#a16207',
    '--vscode-charts-orange': '#c2410c',
    '--vscode-charts-purple': '#7e22ce',
    '--vscode-dropdown-background': '#ffffff',
    '--vscode-dropdown-foreground': '#3b3b3b',
    '--vscode-dropdown-border': '#cecece',
    '--vscode-button-background': '#005fb8',
    '--vscode-button-foreground': '#ffffff',
    '--vscode-focusBorder': '#005fb8',
  },
};

/**
 * Source for the page: applies a theme the way VS Code does (variables on <html>, a body class).
 * Through CSSOM, which the panel's CSP allows (a written style attribute would be refused).
 */
export const APPLY_THEME_SOURCE = `
window.__harnessApplyTheme = (theme) => {
  const root = document.documentElement;
  for (const [k, v] of Object.entries(theme.vars)) root.style.setProperty(k, v);
  document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast');
  document.body.classList.add(theme.bodyClass);
};
`;
