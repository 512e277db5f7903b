// Dashboard tests in a real browser (headless Debian chromium through
// puppeteer-core) against a real citynexus server fed by `citynexus demo`.
// For every page: it renders with numbers, no console error, no failed or
// off-origin request, no serious or critical axe-core violation (WCAG 2.1
// A/AA rules); the explorer shows a point written after the page opened;
// the overview in German uses German number formatting. Screenshots go to
// OUT_DIR. Prints one JSON summary line; exits 1 on any failure.
//
// usage: node dashboard.test.mjs BASE_URL OUT_DIR
import puppeteer from 'puppeteer-core';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, outDir] = [process.argv[2], process.argv[3]];
if (!base || !outDir) {
  console.error('usage: node dashboard.test.mjs BASE_URL OUT_DIR');
  process.exit(2);
}
const origin = new URL(base).origin;
// Staff pages (status, explorer of non-public data) and the probe writes use
// the admin token when the server has one (access control on); the public
// pages are always opened anonymously.
const adminToken = process.env.CITYNEXUS_TOKEN || '';
const authHeaders = adminToken ? { Authorization: `Bearer ${adminToken}` } : {};
mkdirSync(outDir, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const profile = mkdtempSync(join(tmpdir(), 'citynexus-chromium-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    `--user-data-dir=${profile}`, '--window-size=1280,900'],
});

const failures = [];
const results = [];
const fail = (page, msg) => failures.push(`${page}: ${msg}`);

async function openPage(name, hash, { lang = 'en', check, staff = false } = {}) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.evaluateOnNewDocument((l, tok) => {
    localStorage.setItem('citynexus.lang', l);
    if (tok) sessionStorage.setItem('citynexus.token', tok);
  }, lang, staff ? adminToken : '');
  page.on('console', m => { if (m.type() === 'error') fail(name, `console error: ${m.text()}`); });
  page.on('pageerror', e => fail(name, `page error: ${e.message}`));
  page.on('requestfailed', r => {
    // Aborted streams (leaving the explorer) are not failures.
    if (!r.url().includes('/api/v1/stream')) fail(name, `request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('request', r => {
    const u = r.url();
    if (!u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin) {
      fail(name, `off-origin request: ${u}`);
    }
  });
  page.on('response', r => { if (r.status() >= 400) fail(name, `HTTP ${r.status()} for ${r.url()}`); });
  const started = Date.now();
  await page.goto(`${base}/${hash}`, { waitUntil: 'domcontentloaded' });
  try {
    await page.waitForSelector('main[data-ready="true"]', { timeout: 30000 });
  } catch {
    fail(name, `did not become ready: ${await page.$eval('main', m => m.innerText.slice(0, 300))}`);
  }
  const loadMs = Date.now() - started;
  const readyMs = await page.evaluate(() => Math.round(performance.now()));
  if (check) await check(page, name);
  await page.evaluate(axeSource);  // CDP evaluation: not an inline script, so the CSP stays on
  const axe = await page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
  });
  for (const v of axe) {
    if (v.impact === 'serious' || v.impact === 'critical') fail(name, `axe ${v.impact}: ${v.id} (${v.nodes} nodes): ${v.help}`);
  }
  await page.screenshot({ path: join(outDir, `${name}.png`), fullPage: true });
  results.push({ page: name, load_ms: loadMs, ready_ms: readyMs, axe: axe.map(v => `${v.id}:${v.impact}`) });
  return page;
}

const numbersIn = (page, selector) => page.$$eval(selector, els => els.map(e => e.textContent.trim()).filter(s => /\d/.test(s)).length);

const indicators = (await (await fetch(`${base}/api/v1/indicators`)).json()).indicators;
await (await openPage('overview', '#/', {
  check: async (page, name) => {
    const cards = await page.$$eval('article.card', c => c.length);
    const numbers = await numbersIn(page, 'article.card .value .number');
    if (cards !== indicators.length) fail(name, `${cards} cards for ${indicators.length} indicators`);
    if (numbers !== indicators.length) fail(name, `${numbers} of ${cards} cards show a number`);
    const cross = await page.$$eval('article.card.cross', c => c.length);
    const expected = indicators.filter(i => i.domains.length > 1).length;
    if (cross !== expected) fail(name, `${cross} cross-domain cards, expected ${expected}`);
    // Keyboard: the first Tab reaches the skip link, Enter moves focus to main.
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.className)) !== 'skip') fail(name, 'first Tab does not reach the skip link');
    await page.keyboard.press('Enter');
    if ((await page.evaluate(() => document.activeElement?.id)) !== 'main') fail(name, 'skip link does not move focus to main');
  },
})).close();
await (await openPage('overview-de', '#/', {
  lang: 'de',
  check: async (page, name) => {
    const h1 = await page.$eval('h1', e => e.textContent);
    if (h1 !== 'Die Stadt auf einen Blick') fail(name, `German heading missing: ${h1}`);
    if ((await page.$eval('html', e => e.lang)) !== 'de') fail(name, 'html lang is not de');
    const values = await page.$$eval('.value .number', els => els.map(e => e.textContent));
    if (!values.some(v => /\d,\d/.test(v))) fail(name, `no German decimal comma in ${values.join(' | ')}`);
  },
})).close();
for (const id of ['water_consumption_per_capita', 'parking_occupancy']) {
  await (await openPage(`indicator-${id}`, `#/indicator/${id}`, {
    check: async (page, name) => {
      if (!(await page.$('canvas'))) fail(name, 'no chart');
      const rows = await page.$$eval('.table-alt tbody tr', r => r.length);
      if (rows === 0) fail(name, 'chart has no table alternative rows');
      if ((await numbersIn(page, '.value.big .number')) !== 1) fail(name, 'no latest value');
      if (!(await page.$('a[download$=".csv"]')) || !(await page.$('a[download$=".json"]'))) fail(name, 'no downloads');
      if (id === 'parking_occupancy' && (await page.$$eval('#bd + table tbody tr', r => r.length)) < 2) fail(name, 'no zone breakdown');
    },
  })).close();
}
await (await openPage('map', '#/map', {
  check: async (page, name) => {
    if ((await page.$$eval('svg.map circle.district', c => c.length)) < 2) fail(name, 'no districts drawn');
    if ((await numbersIn(page, 'table td.num')) < 2) fail(name, 'no inhabitants');
  },
})).close();
await (await openPage('status', '#/status', {
  staff: true,
  check: async (page, name) => {
    if ((await numbersIn(page, '#metrics td.num')) < 3) fail(name, 'no ingest numbers');
  },
})).close();

// Live: a point written after the explorer opened its stream appears.
const probe = async value => fetch(`${base}/write?precision=ms`, {
  method: 'POST', headers: authHeaders, body: `browser_probe,sensor=b1 value=${value} ${Date.now()}\n`,
});
await probe(1);
const explorer = await openPage('explorer', '#/explorer', {
  staff: true,
  check: async (page, name) => {
    if ((await page.$$eval('#ex-m option', o => o.length)) < 5) fail(name, 'few measurements listed');
    await page.select('#ex-m', 'browser_probe');
    await page.click('#ex-live');
    await page.click('form.controls button[type=submit]');
    let seen = false;
    for (let i = 0; i < 40 && !seen; ++i) {
      await probe(2 + i);
      seen = await page.waitForSelector('#ex-out[data-live]', { timeout: 500 }).then(() => true, () => false);
    }
    if (!seen) fail(name, 'a point written after the page opened did not appear');
  },
});
await explorer.close();

await browser.close();
rmSync(profile, { recursive: true, force: true });
const summary = { ok: failures.length === 0, pages: results, failures };
writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2));
console.log(JSON.stringify(summary));
process.exit(failures.length ? 1 : 0);
