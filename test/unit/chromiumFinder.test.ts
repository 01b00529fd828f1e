/**
 * The `npm test` pre-step's choice of browser: given an environment, the executables present and
 * whether it may install, it finds Chromium or Chrome, installs Debian's, or says what to install.
 */
import { describe, expect, test } from 'vitest';
import { decideChromium, type ChromiumProbe } from '../../scripts/testEnv/chromium.mjs';

/** A machine with these executables and folders; by default a non-root user without apt-get. */
function machine(options: { env?: Record<string, string>; executables?: string[]; dirs?: Record<string, string[]>; isRoot?: boolean; hasAptGet?: boolean }): ChromiumProbe {
  const executables = new Set(options.executables ?? []);
  return {
    env: { HOME: '/home/dev', PATH: '/usr/local/bin:/usr/bin:/bin', ...options.env },
    isExecutable: (path) => executables.has(path),
    listDir: (dir) => options.dirs?.[dir] ?? [],
    isRoot: options.isRoot ?? false,
    hasAptGet: options.hasAptGet ?? false,
  };
}

describe('decideChromium', () => {
  test('CHROMIUM_PATH wins over a browser on PATH', () => {
    const probe = machine({ env: { CHROMIUM_PATH: '/home/dev/chrome/chrome' }, executables: ['/home/dev/chrome/chrome', '/usr/bin/chromium'] });
    expect(decideChromium(probe)).toEqual({ kind: 'found', path: '/home/dev/chrome/chrome' });
  });

  test('a CHROMIUM_PATH that is not executable is an error naming it, not a silent fallback', () => {
    const probe = machine({ env: { CHROMIUM_PATH: '/nowhere/chrome' }, executables: ['/usr/bin/chromium'], isRoot: true, hasAptGet: true });
    const decision = decideChromium(probe);
    expect(decision.kind).toBe('missing');
    expect(decision.kind === 'missing' && decision.message).toContain('CHROMIUM_PATH=/nowhere/chrome is not an executable file');
  });

  test('Google Chrome on PATH is found when there is no chromium', () => {
    const probe = machine({ env: { PATH: '/home/dev/bin:/usr/bin' }, executables: ['/home/dev/bin/google-chrome-stable'] });
    expect(decideChromium(probe)).toEqual({ kind: 'found', path: '/home/dev/bin/google-chrome-stable' });
  });

  test('names are tried in order: chromium before chrome, whichever PATH folder holds it', () => {
    const probe = machine({ env: { PATH: '/a:/b' }, executables: ['/a/google-chrome', '/b/chromium'] });
    expect(decideChromium(probe)).toEqual({ kind: 'found', path: '/b/chromium' });
  });

  test('usual places are found when PATH does not include them', () => {
    const probe = machine({ env: { PATH: '/usr/local/bin' }, executables: ['/opt/google/chrome/chrome'] });
    expect(decideChromium(probe)).toEqual({ kind: 'found', path: '/opt/google/chrome/chrome' });
  });

  test("playwright's cache is used last, newest build first", () => {
    const cache = '/home/dev/.cache/ms-playwright';
    const probe = machine({
      dirs: { [cache]: ['chromium-999', 'chromium-1200', 'chromium_headless_shell-1200', 'ffmpeg-1011'] },
      executables: [`${cache}/chromium-999/chrome-linux/chrome`, `${cache}/chromium-1200/chrome-linux64/chrome`],
    });
    expect(decideChromium(probe)).toEqual({ kind: 'found', path: `${cache}/chromium-1200/chrome-linux64/chrome` });
  });

  test('PLAYWRIGHT_BROWSERS_PATH moves the cache', () => {
    const probe = machine({ env: { PLAYWRIGHT_BROWSERS_PATH: '/opt/pw' }, dirs: { '/opt/pw': ['chromium-1200'] }, executables: ['/opt/pw/chromium-1200/chrome-linux/chrome'] });
    expect(decideChromium(probe)).toEqual({ kind: 'found', path: '/opt/pw/chromium-1200/chrome-linux/chrome' });
  });

  test('nothing found, root with apt-get: install', () => {
    expect(decideChromium(machine({ isRoot: true, hasAptGet: true }))).toEqual({ kind: 'install' });
  });

  test.each([
    ['a user with apt-get', { isRoot: false, hasAptGet: true }],
    ['root without apt-get', { isRoot: true, hasAptGet: false }],
  ])('nothing found, %s: one message saying what to install', (_, rights) => {
    const decision = decideChromium(machine(rights));
    expect(decision.kind).toBe('missing');
    const message = decision.kind === 'missing' ? decision.message : '';
    expect(message).toContain('none was found');
    expect(message).toContain('`sudo apt-get install chromium`');
    expect(message).toContain('set CHROMIUM_PATH');
  });
});
