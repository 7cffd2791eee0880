// Activities: a member signs up (and the places left go down), and checks in by scanning
// the venue screen's QR code (the link it holds), on a server whose clock is moved to ten
// minutes before the activity starts; the screen's counter rises by one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, demoDb, launchBrowser, openPage, signIn, go, settled } from './lib.mjs';

let browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

// The figure of a stat card (<div data-test=…><b>n</b>…).
async function figure(page, name) {
  return Number(await page.locator(`[data-test="${name}"] b`).first().innerText());
}

// The first published activity ahead, hosted by the member's branch (org 4), open to its
// members, without appointment slots.
async function branchActivity(api) {
  const { items } = await api.get('/activities?limit=100');
  const a = items.find((x) => x.status === 'published' && x.host_org_id === 4 && !x.slot_minutes
    && new Date(x.start) > new Date() && x.registered < x.capacity);
  assert.ok(a, 'the demo has an activity of branch 4 ahead');
  return a;
}

test('a member signs up for an activity, sees the sign-up and the places left change, and cancels', async (t) => {
  const app = await startServer();
  t.after(() => app.stop());
  const admin = await app.as('admin');
  const a = await branchActivity(admin);

  const page = await openPage(t, browser, app, 'phone');
  await signIn(page, 'member');
  await go(page, `/activities/${a.id}`);
  assert.equal(await page.locator('[data-test="activity-title"]').innerText(), a.title);
  const left = await figure(page, 'places-left');
  assert.equal(left, a.capacity - a.registered);

  await page.locator('[data-test="signup-submit"]').click();
  await page.locator('[data-test="my-status"]').waitFor();
  assert.equal(await page.locator('[data-test="reg-status"]').getAttribute('data-status'), 'registered');
  await page.waitForFunction((n) => document.querySelector('[data-test="places-left"] b')?.innerText === String(n), left - 1);
  const now = await admin.get(`/activities/${a.id}`);
  assert.equal(now.registered, a.registered + 1);
  const regs = (await admin.get(`/registrations?activity_id=${a.id}`)).items.filter((r) => r.member_id === 1 && r.status === 'registered');
  assert.equal(regs.length, 1, "the member's sign-up is stored");

  // Shown again on a fresh visit, and among the member's activities.
  await go(page, '/activities');
  await go(page, `/activities/${a.id}`);
  await page.locator('[data-test="my-status"]').waitFor();

  // Cancelling gives the place back.
  await page.locator('[data-test="signup-cancel"]').click();
  await page.locator('.van-dialog__confirm').click();
  await page.locator('[data-test="signup-submit"]').waitFor();
  await page.waitForFunction((n) => document.querySelector('[data-test="places-left"] b')?.innerText === String(n), left);
  assert.equal((await admin.get(`/activities/${a.id}`)).registered, a.registered);
});

test('a member checks in by the QR link of the venue screen; the screen counts one more', async (t) => {
  // The activity's start, read from the demo; then the server again, its clock ten
  // minutes before that start (check-in opens 30 minutes before).
  const { db, cleanup } = demoDb();
  t.after(cleanup);
  let a;
  {
    const probe = await startServer({ db });
    try {
      a = await branchActivity(await probe.as('admin'));
    } finally {
      await probe.stop();
    }
  }
  const offset = (new Date(a.start) - 10 * 60e3 - Date.now()) / 1000;
  const app = await startServer({ db, clockOffset: offset });
  t.after(() => app.stop());
  const admin = await app.as('admin');
  const member = await app.as('member');
  await member.post('/registrations', { activity_id: a.id });
  const before = (await admin.get(`/activities/${a.id}/attendance`)).checked_in;

  // The organiser (the branch's secretary) puts the venue screen up.
  const screen = await openPage(t, browser, app, 'desktop');
  await signIn(screen, 'zhongke');
  await go(screen, `/activities/${a.id}`);
  await screen.locator('[data-test="open-screen"]').click();
  await screen.waitForURL((u) => u.pathname === `/activities/${a.id}/screen`);
  await settled(screen);
  const codeEl = screen.locator('[data-test="screen-code"]');
  await codeEl.waitFor();
  await screen.locator('[data-test="screen-qr"]').waitFor();
  assert.equal(Number(await screen.locator('[data-test="screen-count"]').innerText()), before);
  const code = await codeEl.getAttribute('data-code');
  assert.match(code, /^[0-9A-HJKMNP-TV-Z]{10}$/);
  // The code on the screen is the server's code of this minute (or the one before it).
  const api = await (await app.as('zhongke')).get(`/activities/${a.id}/checkin-code`);
  assert.equal(api.url, `${new URL(api.url).origin}/checkin?activity=${a.id}&code=${api.code}`);

  // The member's phone opens the link the QR code holds: sign in first, then checked in.
  const phone = await openPage(t, browser, app, 'phone');
  await phone.goto(`/checkin?activity=${a.id}&code=${code}`);
  await phone.waitForURL((u) => u.pathname === '/login');
  await phone.locator('input[name="username"]').fill('member');
  await phone.locator('input[name="password"]').fill('louyu-demo');
  await phone.locator('[data-test="sign-in"]').click();
  await phone.waitForURL((u) => u.pathname === '/checkin');
  const result = phone.locator('[data-test="checkin-result"]');
  await phone.waitForFunction(() => document.querySelector('[data-test="checkin-result"]')?.dataset.state !== 'working');
  assert.equal(await result.getAttribute('data-state'), 'in', await result.innerText());
  assert.equal(await phone.locator('[data-test="checkin-heading"]').innerText(), '签到成功');

  const checkins = (await admin.get(`/checkins?activity_id=${a.id}`)).items.filter((c) => !c.undone_at);
  assert.equal(checkins.length, before + 1);
  assert.equal(checkins.at(-1).method, 'scan');
  assert.equal(checkins.at(-1).member_id, 1);

  // The screen counts one more (it counts again every few seconds).
  await screen.waitForFunction((n) => document.querySelector('[data-test="screen-count"]')?.innerText.trim() === String(n),
    before + 1, { timeout: 15000 });

  // And the activity's page says so.
  await phone.locator('[data-test="checkin-activity"]').click();
  await phone.waitForURL((u) => u.pathname === `/activities/${a.id}`);
  await settled(phone);
  assert.equal(await figure(phone, 'checked-in-count'), before + 1);

  // Scanning again (the link opened afresh, signed in now) counts nothing more.
  await phone.goto(`/checkin?activity=${a.id}&code=${code}`);
  await phone.waitForFunction(() => document.querySelector('[data-test="checkin-result"]')?.dataset.state !== 'working');
  assert.equal(await phone.locator('[data-test="checkin-result"]').getAttribute('data-state'), 'again');
  assert.equal((await admin.get(`/activities/${a.id}/attendance`)).checked_in, before + 1);

  // A wrong code is refused in the server's words, and the code can be typed instead.
  const wrong = code.startsWith('Z') ? 'YYYYYYYYYY' : 'ZZZZZZZZZZ';
  const refusal = await member.request('POST', '/checkins', { activity_id: a.id, code: wrong });
  assert.equal(refusal.status, 403);
  phone.expectApi(403, '/api/v1/checkins', 'POST');
  await go(phone, `/checkin?activity=${a.id}&code=${wrong}`);
  await phone.waitForFunction(() => document.querySelector('[data-test="checkin-result"]')?.dataset.state !== 'working');
  assert.equal(await result.getAttribute('data-state'), 'refused');
  assert.equal(await result.getAttribute('data-rule'), 'code');
  assert.equal(await phone.locator('[data-test="checkin-detail"]').innerText(), refusal.json.detail);
  const now = await codeEl.getAttribute('data-code'); // the screen's code of this minute, typed as read aloud
  await phone.locator('[data-test="code-input"] input').fill(now.toLowerCase().replace(/(.{5})/, '$1 '));
  await phone.locator('[data-test="code-submit"]').click();
  await phone.waitForFunction(() => ['in', 'again'].includes(document.querySelector('[data-test="checkin-result"]')?.dataset.state));
  assert.equal(await result.getAttribute('data-state'), 'again');
  assert.equal((await admin.get(`/activities/${a.id}/attendance`)).checked_in, before + 1);
});
