// The main pages on a phone (375 px: the tab bar in view, nothing scrolls sideways) and on
// a desktop, the home page of each role, and the screenshots in docs/screenshots/
// (<name>-phone.png, <name>-desktop.png: the viewport, overwritten on every run).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, signIn, go, settled, scrollWidth, shot } from './lib.mjs';

let app;
let browser;
let activity; // a published activity ahead at West Tower, with its room
before(async () => {
  browser = await launchBrowser(); // first, so that after() closes it whatever fails next
  app = await startServer();
  const admin = await app.as('admin');
  const { items } = await admin.get('/activities?limit=100');
  activity = items.find((a) => a.status === 'published' && a.station_id === 1 && new Date(a.start) > new Date());
  // Someone signed up, for the figures.
  await (await app.as('member')).post('/registrations', { activity_id: activity.id });
});
after(async () => {
  await browser?.close();
  await app?.stop();
});

// On a phone: the tab bar is on screen at the bottom, and the page is no wider than it.
async function fitsPhone(page, what) {
  const width = await scrollWidth(page);
  assert.ok(width <= 375, `${what}: the page scrolls sideways (${width} px wide on a 375 px screen)`);
  const bar = await page.locator('.van-tabbar').boundingBox();
  assert.ok(bar, `${what}: no tab bar`);
  assert.ok(bar.y >= 812 - bar.height - 1 && bar.y + bar.height <= 812 + 1 && bar.width >= 374,
    `${what}: the tab bar is not at the bottom of the screen (${JSON.stringify(bar)})`);
}

// The calendar, opened on a day, shown a week at a time.
async function weekView(page) {
  await page.locator('[data-test="cal-view-week"]').click();
  await page.locator('[data-test="calendar-grid"]').waitFor();
  await settled(page);
}

// The home page shows a part for each of the user's roles, and none for the others.
async function homeParts(page) {
  await page.locator('[data-test="home-hello"]').waitFor();
  const parts = {};
  for (const p of ['home-member', 'home-station', 'home-org', 'home-admin', 'home-welcome'])
    parts[p] = await page.locator(`[data-test="${p}"]`).count();
  return parts;
}

test('the sign-in page, on a phone and on a desktop', async (t) => {
  for (const device of ['phone', 'desktop']) {
    const page = await openPage(t, browser, app, device);
    await page.goto('/login');
    await page.locator('[data-test="sign-in"]').waitFor();
    assert.equal(await page.locator('.van-tabbar').count(), 0);
    assert.ok((await scrollWidth(page)) <= DEVICE_WIDTH[device]);
    await shot(page, 'signin');
  }
});
const DEVICE_WIDTH = { phone: 375, desktop: 1280 };

test('the home page of each role, on a phone', async (t) => {
  const roles = [
    ['member', 'home-member', { 'home-member': 1, 'home-station': 0, 'home-org': 0, 'home-admin': 0 }],
    ['zhongke', 'home-secretary', { 'home-station': 0, 'home-org': 1, 'home-admin': 0 }],
    ['xita_station', 'home-manager', { 'home-station': 1, 'home-org': 0, 'home-admin': 0 }],
  ];
  for (const [user, name, want] of roles) {
    const page = await openPage(t, browser, app, 'phone');
    await signIn(page, user);
    const parts = await homeParts(page);
    for (const [p, n] of Object.entries(want)) assert.equal(parts[p], n, `${user}'s home page: ${p}`);
    await fitsPhone(page, `${user}'s home page`);
    await shot(page, name);
  }
});

test('the main pages on a phone fit its width and keep the tab bar', async (t) => {
  const page = await openPage(t, browser, app, 'phone');
  await signIn(page, 'admin');
  await fitsPhone(page, 'home');
  const pages = [
    ['/stations', 'stations'],
    ['/stations/1', null],
    ['/stations/1/calendar', null],
    [`/stations/1/calendar?date=${activity.start.slice(0, 10)}`, 'calendar'], // a week with bookings
    ['/stations/2/pending', null],
    ['/activities', null],
    [`/activities/${activity.id}`, 'activity'],
    ['/orgs', 'orgs'],
    ['/orgs/4', null],
    ['/members/1', null],
    ['/me', null],
  ];
  for (const [path, name] of pages) {
    await go(page, path);
    if (name === 'calendar') await weekView(page);
    await fitsPhone(page, path);
    if (name) await shot(page, name);
  }
  // The tabs lead to their pages.
  for (const [i, path] of ['/', '/stations', '/activities', '/orgs', '/me'].entries()) {
    await page.locator('.van-tabbar-item').nth(i).click();
    await page.waitForURL((u) => u.pathname === path);
    await settled(page);
    await fitsPhone(page, `${path} by its tab`);
  }
});

test('the main pages on a desktop, as a committee admin, and the venue screen', async (t) => {
  const page = await openPage(t, browser, app, 'desktop');
  await signIn(page, 'xita');
  const parts = await homeParts(page);
  assert.equal(parts['home-org'], 1, "a committee admin's home page shows the committee");
  assert.equal(parts['home-admin'], 0);
  await shot(page, 'home-committee');

  await go(page, '/stations');
  await page.locator('[data-test="station-item"]').first().waitFor();
  await page.locator('canvas').first().waitFor(); // the map
  await shot(page, 'stations');
  await go(page, `/stations/1/calendar?date=${activity.start.slice(0, 10)}`);
  await weekView(page);
  await shot(page, 'calendar');
  await go(page, `/activities/${activity.id}`);
  await page.locator('[data-test="organiser"]').waitFor();
  await shot(page, 'activity');
  await go(page, '/orgs/4');
  await page.locator('[data-test="member-list"]').waitFor();
  await shot(page, 'members');
  for (const path of ['/', '/stations', '/activities', '/orgs', '/me']) {
    await go(page, path);
    assert.ok((await scrollWidth(page)) <= 1280, `${path} scrolls sideways on a desktop`);
  }

  // The venue screen: full screen, the QR code and the code to type.
  await go(page, `/activities/${activity.id}/screen`);
  await page.locator('[data-test="screen-qr"]').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-test="screen-qr"]').complete);
  assert.equal(await page.locator('.van-tabbar').count(), 0, 'no tab bar on the venue screen');
  assert.equal(await page.locator('.van-nav-bar').count(), 0, 'no title bar on the venue screen');
  await shot(page, 'screen');
});

test('the home page of an admin, on a desktop', async (t) => {
  const page = await openPage(t, browser, app, 'desktop');
  await signIn(page, 'admin');
  const parts = await homeParts(page);
  assert.equal(parts['home-admin'], 1);
  assert.equal(parts['home-welcome'], 0);
  await shot(page, 'home-admin');
});

test('a visitor who has not signed in sees the public pages, and is asked to sign in for the rest', async (t) => {
  const page = await openPage(t, browser, app, 'phone');
  await page.goto('/');
  await settled(page);
  await page.locator('[data-test="home-welcome"]').waitFor();
  for (const path of ['/stations', '/stations/1', '/stations/1/calendar', '/activities', `/activities/${activity.id}`]) {
    await go(page, path);
    assert.equal(new URL(page.url()).pathname, path, `${path} is public`);
    assert.equal(await page.locator('[data-state="error"]').count(), 0, `${path} shows an error`);
    const width = await scrollWidth(page);
    assert.ok(width <= 375, `${path}: ${width} px wide`);
  }
  await page.locator('[data-test="signin-to-signup"]').waitFor();
  await page.locator('[data-test="signin-to-signup"]').click();
  await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === `/activities/${activity.id}`);
  for (const path of ['/orgs', '/me', '/birthdays']) {
    await go(page, path, { to: '/login' });
    assert.equal(new URL(page.url()).searchParams.get('next'), path, `${path} needs a sign-in, and comes back after`);
  }
});

// (a bookmark of one's own sign-ups, opened without a session)
test("a visitor opening someone's 'my activities' link is asked to sign in, or sees the activities",
  async (t) => {
    const page = await openPage(t, browser, app, 'phone');
    await page.goto('/activities?mine=1');
    await settled(page);
    assert.equal(await page.locator('[data-state="error"]').count(), 0, await page.locator('.page').innerText());
  });
