#!/usr/bin/env node
// Checks a `fisherkit report` folder in a real headless Chromium: opens <dir>/index.html, lets the
// page's own script count the <img> figures that loaded (naturalWidth > 0) into
// <pre id="render-status">, and reads that element back.
//
//   node apps/bench/scripts/check-report.mjs <dir> [--screenshot <file.png>]
//
// Uses playwright-core when it is installed, otherwise Chromium's own --headless --dump-dom
// (and --screenshot) flags. Chromium: /usr/bin/chromium, or $CHROMIUM_PATH.
// Exit codes: 0 report ok, 1 check failed, 2 usage error, 3 Chromium missing.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TIMEOUT_MS = 90_000;
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--allow-file-access-from-files',
  '--virtual-time-budget=5000',
];

function fail(message, code = 1) {
  process.stderr.write(`check-report: ${message}\n`);
  process.exit(code);
}

function parseArgs(argv) {
  const args = { dir: undefined, screenshot: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--screenshot') {
      args.screenshot = argv[++i];
      if (!args.screenshot) fail('--screenshot needs a file name', 2);
    } else if (argv[i] === '-h' || argv[i] === '--help') {
      process.stdout.write('usage: check-report.mjs <report-dir> [--screenshot <file.png>]\n');
      process.exit(0);
    } else if (argv[i].startsWith('-')) fail(`unknown option ${argv[i]}; usage: check-report.mjs <report-dir> [--screenshot <file.png>]`, 2);
    else if (args.dir === undefined) args.dir = argv[i];
    else fail(`one report folder only, got "${args.dir}" and "${argv[i]}"`, 2);
  }
  if (!args.dir) fail('usage: check-report.mjs <report-dir> [--screenshot <file.png>]', 2);
  return args;
}

/** Reads the render-status element the page's script fills on window load. */
function readStatus(dom) {
  const tag = /<pre\b[^>]*\bid="render-status"[^>]*>([^<]*)<\/pre>/.exec(dom);
  if (!tag) return { error: 'the page has no <pre id="render-status"> element; is this a fisherkit report?' };
  const attr = (name) => {
    const m = new RegExp(`\\b${name}="(\\d+)"`).exec(tag[0]);
    return m ? Number(m[1]) : undefined;
  };
  const images = attr('data-images');
  const loaded = attr('data-loaded');
  const failed = attr('data-failed');
  if (images === undefined || loaded === undefined || failed === undefined) {
    return { error: `the page's status script did not run (render-status says "${tag[1].trim()}")` };
  }
  return { images, loaded, failed, text: tag[1].trim() };
}

function runChromium(args) {
  return new Promise((resolvePromise) => {
    const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolvePromise({ code: -1, stdout, stderr: `${stderr}${err.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: signal ? `${signal} (after ${TIMEOUT_MS / 1000} s?)` : code, stdout, stderr });
    });
  });
}

async function domViaCli(url, screenshot) {
  const profile = mkdtempSync(join(tmpdir(), 'check-report-chromium-'));
  try {
    const base = [...FLAGS, `--user-data-dir=${profile}`];
    const result = await runChromium([...base, '--dump-dom', url]);
    if (result.code !== 0 || !result.stdout.includes('</html>')) {
      const lastLine = result.stderr.trim().split('\n').filter(Boolean).pop() ?? '';
      fail(`chromium --dump-dom exited with ${result.code}${lastLine ? `: ${lastLine}` : ''}`);
    }
    if (screenshot) {
      const shot = await runChromium([...base, '--hide-scrollbars', '--window-size=1280,2400', `--screenshot=${resolve(screenshot)}`, url]);
      if (shot.code !== 0 || !existsSync(resolve(screenshot))) process.stderr.write(`check-report: warning: the screenshot failed (exit ${shot.code})\n`);
    }
    return result.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

async function domViaPlaywright(playwright, url, screenshot) {
  const profile = mkdtempSync(join(tmpdir(), 'check-report-chromium-'));
  const context = await playwright.chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS.filter((f) => f !== '--headless' && !f.startsWith('--virtual-time-budget')),
  });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'load', timeout: TIMEOUT_MS });
    await page.waitForFunction(() => document.getElementById('render-status')?.hasAttribute('data-images'), null, { timeout: 10_000 }).catch(() => {});
    if (screenshot) await page.screenshot({ path: resolve(screenshot), fullPage: true });
    return await page.content();
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function loadPlaywright() {
  try {
    const require = createRequire(import.meta.url);
    require.resolve('playwright-core');
    return await import('playwright-core');
  } catch {
    return undefined;
  }
}

async function main() {
  const { dir, screenshot } = parseArgs(process.argv.slice(2));
  const index = resolve(dir, 'index.html');
  if (!existsSync(index)) fail(`${index} does not exist; run \`fisherkit report <results...> --out ${dir}\` first`);
  try {
    accessSync(CHROMIUM, constants.X_OK);
  } catch {
    fail(
      `Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH, or install Debian's chromium package); the report cannot be checked in a browser here`,
      3,
    );
  }
  const url = pathToFileURL(index).href;
  const playwright = await loadPlaywright();
  const dom = playwright ? await domViaPlaywright(playwright, url, screenshot) : await domViaCli(url, screenshot);
  const status = readStatus(dom);
  if (status.error) fail(status.error);
  if (status.images === 0) fail('the page has no figures');
  if (status.failed > 0 || status.loaded !== status.images) fail(`${status.failed} of ${status.images} figure(s) did not load: ${status.text}`);
  process.stdout.write(`report ok: ${status.loaded} figures rendered${playwright ? ' (playwright-core)' : ''}\n`);
}

await main();
