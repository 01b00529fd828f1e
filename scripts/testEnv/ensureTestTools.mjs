// The first step of `npm test` (and `npm run e2e`, `npm run bench`): gets what the tests need beyond
// `npm ci`, so that the README's two commands pass on a fresh machine. Chromium or Chrome for the
// browser and end-to-end tests (found, else Debian's `chromium` installed when root with apt-get),
// then the pinned code-server and Node 24 for the end-to-end tests (cached under ~/.cache). When
// something cannot be installed it stops here, before any build or test, with one message saying
// what to install.
//
//   node scripts/testEnv/ensureTestTools.mjs
import { installCodeServer } from '../e2e/installCodeServer.mjs';
import { ensureChromium } from './chromium.mjs';

const started = Date.now();
try {
  const browser = ensureChromium();
  console.log(`== browser: ${browser}`);
  const codeServer = await installCodeServer();
  console.log(`== code-server ${codeServer.versions.codeServer} on Node ${codeServer.versions.node}: ${codeServer.root}`);
  console.log(`== test tools ready (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} catch (error) {
  console.error(`the tests cannot run: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
