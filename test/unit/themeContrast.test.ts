/**
 * Every colour the panel writes text in keeps WCAG AA contrast (4.5:1) on the theme's background
 * (issue 11: the MACD legend was dark brown on a dark theme): indicator colours (the legend
 * writes each indicator in its line's colour), the legend's up/down text and muted labels, for
 * VS Code's default dark, light, high-contrast and high-contrast-light themes, and the test
 * harness's themes.
 */
import { describe, expect, it } from 'vitest';
import { AA_TEXT_CONTRAST, contrastRatio, readableOn, themeFrom, type ThemeColours, type ThemeKind } from '../../webview/theme/theme';

/** VS Code's default colours (editor background/foreground, charts.*) of its built-in themes. */
const VSCODE_THEMES: [string, ThemeKind, ThemeColours][] = [
  ['Dark Modern', 'dark', { background: '#1f1f1f', foreground: '#cccccc', border: '#2b2b2b', green: '#89d185', red: '#f14c4c', blue: '#3794ff', yellow: '#cca700', purple: '#b180d7', orange: '#d18616' }],
  ['Dark+ (the MACD of the report: orange)', 'dark', { background: '#1e1e1e', foreground: '#d4d4d4', border: '#80808059', green: '#89d185', red: '#f14c4c', blue: '#3794ff', yellow: '#cca700', purple: '#b180d7', orange: '#d18616' }],
  ['Light Modern', 'light', { background: '#ffffff', foreground: '#3b3b3b', border: '#e5e5e5', green: '#388a34', red: '#e51400', blue: '#1a85ff', yellow: '#bf8803', purple: '#652d90', orange: '#d18616' }],
  ['Dark High Contrast', 'high-contrast', { background: '#000000', foreground: '#ffffff', border: '#6fc3df', green: '#89d185', red: '#f48771', blue: '#3794ff', yellow: '#ffd370', purple: '#b180d7', orange: '#ab5a00' }],
  ['Light High Contrast', 'high-contrast-light', { background: '#ffffff', foreground: '#292929', border: '#0f4a85', green: '#374e06', red: '#b5200d', blue: '#1a85ff', yellow: '#895503', purple: '#652d90', orange: '#d18616' }],
  ['harness dark', 'dark', { background: '#1e1e1e', foreground: '#d4d4d4', border: '#3c3c3c', green: '#22c55e', red: '#ef4444', blue: '#3b82f6', yellow: '#eab308', purple: '#a855f7', orange: '#f97316' }],
  ['harness light', 'light', { background: '#ffffff', foreground: '#1f1f1f', border: '#e5e5e5', green: '#15803d', red: '#b91c1c', blue: '#1d4ed8', yellow: '#a16207', purple: '#7e22ce', orange: '#c2410c' }],
];

describe('text colours keep AA contrast on the theme background', () => {
  it('computes WCAG ratios (black on white 21, a colour on itself 1, translucent over the background)', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#1f1f1f', '#1f1f1f')).toBe(1);
    expect(contrastRatio('rgba(0, 0, 0, 0)', '#ffffff')).toBe(1);
  });

  for (const [name, kind, colours] of VSCODE_THEMES) {
    it(`${name}: every legend and label colour reads at ≥ 4.5:1`, () => {
      const theme = themeFrom(kind, colours, 'sans-serif', 13);
      const text: [string, string][] = [
        ...theme.palette.map((c, i): [string, string] => [`palette[${i}]`, c]),
        ['upText', theme.upText],
        ['downText', theme.downText],
        ['muted', theme.muted],
        ['foreground', theme.foreground],
      ];
      for (const [what, colour] of text) {
        expect(contrastRatio(colour, theme.background), `${what} ${colour} on ${theme.background}`).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
      }
      // Lines and fills keep the theme's own colours.
      expect(theme.up).toBe(colours.green);
      expect(theme.down).toBe(colours.red);
    });
  }

  it('leaves a readable colour as it is and moves a faint one only as far as needed', () => {
    expect(readableOn('#3794ff', '#1f1f1f')).toBe('#3794ff');
    const orange = readableOn('#ab5a00', '#000000');
    expect(contrastRatio('#ab5a00', '#000000')).toBeLessThan(AA_TEXT_CONTRAST);
    expect(contrastRatio(orange, '#000000')).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
    expect(contrastRatio(orange, '#000000')).toBeLessThan(AA_TEXT_CONTRAST + 0.2);
    const yellow = readableOn('#bf8803', '#ffffff');
    expect(contrastRatio(yellow, '#ffffff')).toBeGreaterThanOrEqual(AA_TEXT_CONTRAST);
    expect(contrastRatio(yellow, '#ffffff')).toBeLessThan(AA_TEXT_CONTRAST + 0.2);
  });
});
