// Writes package.json's indicator sections (toggle commands, orderscope.indicators,
// orderscope.indicatorParameters) from the indicator catalog: see scripts/indicatorContributions.ts.
// package.json keeps its layout: two-space JSON with non-ASCII characters escaped.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';

const { outputFiles } = await esbuild.build({
  entryPoints: ['scripts/indicatorContributions.ts'],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
  logLevel: 'warning',
});
const { syncIndicatorContributions } = await import(`data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`);
const before = readFileSync('package.json', 'utf8');
const manifest = syncIndicatorContributions(JSON.parse(before));
const after = `${JSON.stringify(manifest, null, 2).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
if (after === before) console.log('package.json: indicator sections already match the catalog');
else {
  writeFileSync('package.json', after);
  console.log('package.json: indicator sections written from the catalog');
}
