// The browser tests' harness: the real louyu binary (the web app is embedded in it) on a
// fresh demo database, driven by Debian's Chromium through playwright-core.
//
//   before(async () => {
//     browser = await launchBrowser();           // first: after() closes it whatever fails
//     app = await startServer();                 // louyu serve on a fresh demo, port 0
//   });
//   test('…', async (t) => {
//     const page = await openPage(t, browser, app, 'phone');  // or 'desktop'
//     await signIn(page, 'member');
//     await go(page, '/activities/1');           // as a link would, no page load
//     …
//   });                                          // fails on console or page errors
//   after(async () => { await browser?.close(); await app?.stop(); });  // stop() asserts exit 0
//
// Pages are watched: a console error, an uncaught exception or an API answer of 400 or
// more that the test did not announce (page.expectApi(status, pathRegExp)) fails the
// test when it ends, except the reported bugs listed in KNOWN. No browser is ever
// downloaded: LOUYU_CHROMIUM names another Chromium.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const BIN = process.env.LOUYU_BIN || join(ROOT, 'build/release/louyu');
export const CHROMIUM = process.env.LOUYU_CHROMIUM || '/usr/bin/chromium';
export const SHOTS = join(ROOT, 'docs/screenshots');
export const PASSWORD = 'louyu-demo';
// The demo's time zone; the browser reads the times where the towers are.
export const TIME_ZONE = 'Asia/Shanghai';

export const DEVICES = {
  phone: { viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  desktop: { viewport: { width: 1280, height: 800 } },
};

// Runs a louyu command to completion, or throws.
export function louyu(args, env = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(`louyu ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

// A fresh database with the demo in a temporary directory.
export function demoDb() {
  const dir = mkdtempSync(join(tmpdir(), 'louyu-web-'));
  const db = join(dir, 'louyu.db');
  try {
    louyu(['demo', '--db', db]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { dir, db, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// Starts `louyu serve` on a loopback port of its own and resolves once it listens.
// db: serve this database (kept at stop); otherwise a fresh demo (removed at stop).
// clockOffset: seconds that move the server's clock (LOUYU_CLOCK_OFFSET).
// stop() sends SIGTERM and throws unless louyu exits by itself with status 0.
export async function startServer({ db, clockOffset } = {}) {
  const fresh = db ? null : demoDb();
  const path = db || fresh.db;
  const fail = (e) => {
    child.kill('SIGKILL');
    if (fresh) fresh.cleanup();
    throw e;
  };
  const env = { ...process.env };
  delete env.LOUYU_CLOCK_OFFSET;
  if (clockOffset !== undefined) env.LOUYU_CLOCK_OFFSET = String(Math.round(clockOffset));
  const child = spawn(BIN, ['serve', '--db', path, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stdout.resume();
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`louyu did not start: ${stderr}`)), 30000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /serving http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`louyu exited ${code}: ${stderr}`)); });
  }).catch(fail);
  const url = `http://127.0.0.1:${port}`;
  const clients = new Map();
  return {
    url,
    port,
    db: path,
    logs: () => stderr,
    // An API client signed in as a demo user (one session per user and server).
    async as(user) {
      if (!clients.has(user)) clients.set(user, apiClient(url, user));
      return clients.get(user);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const { code, signal } = await exited;
      if (fresh) fresh.cleanup();
      if (signal !== null || code !== 0) throw new Error(`louyu exited ${code} (signal ${signal}): ${stderr}`);
    },
  };
}

// The API over HTTP with a demo user's bearer token: request(method, path, body) →
// {status, json}; get(path) → json, or throws unless 2xx.
export async function apiClient(url, user, password = PASSWORD) {
  const res = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password }),
  });
  const session = await res.json();
  if (res.status !== 200) throw new Error(`sign-in as ${user}: ${res.status} ${JSON.stringify(session)}`);
  const request = async (method, path, body) => {
    const init = { method, headers: { authorization: `Bearer ${session.token}` } };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const r = await fetch(`${url}/api/v1${path}`, init);
    const text = await r.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: r.status, json, text };
  };
  const ok = async (method, path, body) => {
    const r = await request(method, path, body);
    if (r.status < 200 || r.status > 299) throw new Error(`${method} ${path} as ${user}: ${r.status} ${r.text}`);
    return r.json;
  };
  return {
    user: session.user,
    request,
    get: (path) => ok('GET', path),
    post: (path, body = {}) => ok('POST', path, body),
    patch: (path, body) => ok('PATCH', path, body),
  };
}

export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
}

// Bugs of the app found by these tests and reported, not yet fixed: a console error that
// matches one is written to the test's output (a diagnostic) instead of failing the
// test. Remove an entry when its bug is fixed.
export const KNOWN = [];

// Answers the app may get as a matter of course: the session asked for before anyone
// signed in (and after signing out); an activity's check-in code, which its page asks for
// to learn whether a member of staff runs the activity (403 when not).
const EXPECTED = [
  { method: 'GET', status: 401, path: /^\/api\/v1\/session$/ },
  { method: 'GET', status: 403, path: /^\/api\/v1\/activities\/\d+\/checkin-code$/ },
];

// A fresh browser context (no cookies, no storage) in zh-CN with one page on the app.
// The page is watched; when the test ends its context is closed and the test fails if
// the page logged a console error, threw, or got an unannounced API error.
// page.expectApi(status, path, method?) announces an API error the test provokes.
export async function openPage(t, browser, app, device = 'phone', { locale = 'zh-CN' } = {}) {
  const context = await browser.newContext({
    ...DEVICES[device],
    locale,
    timezoneId: TIME_ZONE,
    baseURL: app.url,
  });
  context.setDefaultTimeout(10000);
  const page = await context.newPage();
  const problems = [];
  const seen = new Set();
  const expected = [...EXPECTED];
  page.device = device;
  page.app = app;
  page.expectApi = (status, path, method) => expected.push({ status, path, method });
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // A failed API request is judged by its answer below, not by Chromium's note of it.
    if (/^Failed to load resource: the server responded with a status of/.test(m.text())) return;
    const known = KNOWN.find((k) => k.console.test(m.text()));
    if (known) { seen.add(known.bug); return; }
    problems.push(`console error: ${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => {
    const known = KNOWN.find((k) => k.console.test(String(e.stack || e.message)));
    if (known) seen.add(known.bug);
    else problems.push(`uncaught in page: ${e.stack || e.message}`);
  });
  page.on('response', (r) => {
    const u = new URL(r.url());
    if (!u.pathname.startsWith('/api/') || r.status() < 400) return;
    const method = r.request().method();
    const ok = expected.some((e) => e.status === r.status() && (!e.method || e.method === method)
      && (typeof e.path === 'string' ? u.pathname === e.path : e.path.test(u.pathname)));
    if (!ok) problems.push(`API answered ${r.status()} to ${method} ${u.pathname}${u.search}`);
  });
  page.problems = problems;
  t.after(async () => {
    await context.close();
    for (const bug of seen) t.diagnostic(`known bug (tolerated): ${bug}`);
    if (problems.length) throw new Error(`the page went wrong:\n  ${problems.join('\n  ')}`);
  });
  return page;
}

// Waits until the page has shown what it loads (no LoadState spinner, no Vant loading).
export async function settled(page) {
  await page.waitForLoadState('load');
  await page.waitForFunction(() => !document.querySelector('[data-state="loading"], .van-loading:not(.van-button__loading)'), null, { timeout: 10000 });
}

// Signs in through the login form and waits to leave it.
export async function signIn(page, user, password = PASSWORD) {
  await page.goto('/login');
  await page.locator('input[name="username"]').fill(user);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('[data-test="sign-in"]').click();
  await page.waitForURL((u) => u.pathname !== '/login');
  await settled(page);
}

// Signs out on the Me page (reached by its tab) and waits for the sign-in page.
export async function signOut(page) {
  await page.locator('.van-tabbar-item').nth(4).click();
  await page.waitForURL((u) => u.pathname === '/me');
  await page.locator('[data-test="sign-out"]').click();
  await page.waitForURL((u) => u.pathname === '/login');
}

// The page's horizontal overflow: the document's scroll width (≤ the viewport's width
// when nothing scrolls sideways).
export function scrollWidth(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth);
}

// A screenshot of the viewport into docs/screenshots/<name>-<phone|desktop>.png, in CSS
// pixels (small files), after fonts and images have loaded.
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await settled(page);
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(300); // transitions (toasts, tabs) come to rest
  await page.screenshot({ path: join(SHOTS, `${name}-${page.device}.png`), scale: 'css', animations: 'disabled' });
}

// Goes to a path inside the app as a link would (the app's router, no page load), and
// waits for the page to settle.
// to: where the app is expected to land instead (a path, e.g. '/login').
export async function go(page, path, { to } = {}) {
  await page.evaluate((p) => document.querySelector('#app').__vue_app__.config.globalProperties.$router.push(p), path);
  const want = to || path.split('?')[0];
  await page.waitForURL((u) => u.pathname === want);
  await settled(page);
}

// The labels of the tab bar, in order.
export function tabLabels(page) {
  return page.locator('.van-tabbar .van-tabbar-item__text').allInnerTexts().then((l) => l.map((s) => s.trim()));
}
