// Signing in and out, the language switch kept with the user, and pages opened by their
// address (a bookmark, a reload, a scanned link) while signed in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, signIn, signOut, go, settled, tabLabels } from './lib.mjs';

const TABS = {
  'zh-CN': ['首页', '服务站', '活动', '组织', '我的'],
  'zh-TW': ['首頁', '服務站', '活動', '組織', '我的'],
  en: ['Home', 'Stations', 'Activities', 'Organisations', 'Me'],
};

let app;
let browser;
before(async () => {
  browser = await launchBrowser(); // first, so that after() closes it whatever fails next
  app = await startServer();
});
after(async () => {
  await browser?.close();
  await app?.stop();
});

async function sessionUser(page) {
  const r = await page.request.get('/api/v1/session');
  return r.status() === 200 ? (await r.json()).user : null;
}

test('a wrong password is refused with a message, and nobody is signed in', async (t) => {
  const page = await openPage(t, browser, app, 'phone');
  page.expectApi(401, '/api/v1/session', 'POST');
  await page.goto('/login');
  await page.locator('input[name="username"]').fill('member');
  await page.locator('input[name="password"]').fill('not-the-password');
  await page.locator('[data-test="sign-in"]').click();
  await page.getByRole('alert').filter({ hasText: '用户名或密码错误' }).waitFor();
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await page.locator('.van-tabbar').count(), 0, 'no tab bar before signing in');
  assert.equal(await sessionUser(page), null);
});

test('the right password lands on the home page; signing out returns to the sign-in page', async (t) => {
  const page = await openPage(t, browser, app, 'phone');
  await signIn(page, 'member');
  assert.equal(new URL(page.url()).pathname, '/');
  assert.deepEqual(await tabLabels(page), TABS['zh-CN']);
  assert.match(await page.locator('.van-tabbar-item--active').innerText(), /首页/);
  assert.equal((await sessionUser(page)).username, 'member');

  await signOut(page);
  assert.equal(await sessionUser(page), null, 'the session has ended on the server');
  assert.equal(await page.locator('.van-tabbar').count(), 0);
  // A page that needs a session sends the visitor to sign in, and back there after.
  await page.goto('/me');
  await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/me');
  await page.locator('input[name="username"]').fill('member');
  await page.locator('input[name="password"]').fill('louyu-demo');
  await page.locator('[data-test="sign-in"]').click();
  await page.waitForURL((u) => u.pathname === '/me');
  await page.locator('[data-test="sign-out"]').waitFor();
});

test('a page opened by its address while signed in stays open (reload, bookmark)', async (t) => {
  const page = await openPage(t, browser, app, 'phone');
  await signIn(page, 'member');
  await page.goto('/me');
  await settled(page);
  assert.equal(new URL(page.url()).pathname, '/me', 'a reload of /me while signed in went to the sign-in page');
  await page.locator('[data-test="sign-out"]').waitFor();
  await page.reload();
  await settled(page);
  assert.equal(new URL(page.url()).pathname, '/me');
});

test('the language switch on the Me page changes the text and is kept with the user', async (t) => {
  const page = await openPage(t, browser, app, 'phone');
  await signIn(page, 'xita');
  await go(page, '/me');
  assert.deepEqual(await tabLabels(page), TABS['zh-CN']);
  assert.equal(await page.locator('[data-test="sign-out"]').innerText(), '退出登录');

  await page.locator('[data-locale="en"]').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  assert.deepEqual(await tabLabels(page), TABS.en);
  assert.equal(await page.locator('[data-test="sign-out"]').innerText(), 'Sign out');
  assert.equal(await page.locator('.van-nav-bar__title').innerText(), 'Me');

  await page.locator('[data-locale="zh-TW"]').click();
  await page.waitForFunction(() => document.documentElement.lang === 'zh-TW');
  assert.deepEqual(await tabLabels(page), TABS['zh-TW']);
  await page.waitForFunction(async () => {
    const r = await fetch('/api/v1/session');
    return (await r.json()).user.locale === 'zh-TW';
  });

  await page.locator('[data-locale="en"]').click();
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  await page.waitForFunction(async () => (await (await fetch('/api/v1/session')).json()).user.locale === 'en');
  assert.equal((await sessionUser(page)).locale, 'en');

  // Signed out and in again: still English.
  await signOut(page);
  await signIn(page, 'xita');
  assert.deepEqual(await tabLabels(page), TABS.en);

  // On another browser (nothing kept in it, a Chinese browser): English, the user's choice.
  const other = await openPage(t, browser, app, 'desktop');
  await other.goto('/login');
  assert.equal(await other.locator('[data-test="sign-in"]').innerText(), '登录', 'a new browser starts in simplified Chinese');
  await signIn(other, 'xita');
  assert.deepEqual(await tabLabels(other), TABS.en);
  assert.equal(await other.evaluate(() => document.documentElement.lang), 'en');

  // Back to simplified Chinese, for the server's record.
  await go(other, '/me');
  await other.locator('[data-locale="zh-CN"]').click();
  await other.waitForFunction(async () => (await (await fetch('/api/v1/session')).json()).user.locale === 'zh-CN');
  assert.deepEqual(await tabLabels(other), TABS['zh-CN']);
});
