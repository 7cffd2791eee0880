// Booking a room in a station's calendar, a conflicting booking refused with the rule's
// words under the form, and a pending booking approved by its station's manager.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, signIn, go, settled } from './lib.mjs';

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

const pad = (n) => String(n).padStart(2, '0');
// The date and time of an RFC 3339 time with +08:00, as the form's inputs take them.
function local(rfc) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(rfc);
  return { date: m[1], time: m[2] };
}

// Fills the booking form (open in its popup) and submits it.
async function fillBooking(page, { roomId, start, end, title, org }) {
  const form = page.locator('[data-test="book-form"]');
  await form.waitFor();
  await form.locator(`[data-test="book-room-${roomId}"]`).click();
  const orgField = form.locator('[data-test="book-org"] input');
  if (!(await orgField.inputValue())) {
    await form.locator('[data-test="book-org"]').click();
    const picker = page.locator('.van-picker');
    await picker.waitFor();
    await picker.locator('.van-picker-column__item').filter({ hasText: org }).first().click();
    await page.waitForTimeout(400); // the column comes to rest
    await picker.locator('.van-picker__confirm').click();
    await page.waitForFunction(() => !document.querySelector('.van-picker'));
  }
  assert.equal(await orgField.inputValue(), org);
  await form.locator('[data-test="book-title"] input').fill(title);
  const s = local(start), e = local(end);
  await form.locator('[data-test="book-date"]').fill(s.date);
  await form.locator('[data-test="book-start"]').fill(s.time);
  await form.locator('[data-test="book-end"]').fill(e.time);
  await form.locator('[data-test="book-submit"]').click();
}

test('a branch secretary books a room in the calendar; a booking that overlaps is refused with the rule\'s words', async (t) => {
  const zhongke = await app.as('zhongke');
  // The next free hour for 5 people at West Tower, as the API finds it.
  const { items: [slot] } = await zhongke.get('/stations/1/slots?duration_min=60&attendance=5&count=1');
  assert.ok(slot, 'the demo has free time at station 1');

  const page = await openPage(t, browser, app, 'phone');
  await signIn(page, 'zhongke');
  await go(page, '/stations/1/calendar');
  await page.locator('[data-test="calendar-grid"]').waitFor();

  await page.locator('[data-test="book-open"]').click();
  await fillBooking(page, { roomId: slot.room_id, start: slot.start, end: slot.end, title: '支部委员会会议', org: '中科科创有限公司党支部' });
  const result = page.locator('[data-test="book-result"]');
  await result.waitFor();
  const status = await result.locator('[data-test="book-result-status"]').innerText();
  const made = (await zhongke.get(`/bookings?station_id=1&room_id=${slot.room_id}&from=${encodeURIComponent(slot.start)}&to=${encodeURIComponent(slot.end)}`))
    .items.filter((b) => b.title === '支部委员会会议');
  assert.equal(made.length, 1, 'the booking is stored');
  assert.equal(made[0].start, slot.start);
  assert.equal(made[0].end, slot.end);
  assert.equal(made[0].org_id, 4);
  assert.ok(['confirmed', 'pending'].includes(made[0].status));
  assert.equal(status, { confirmed: '已确认', pending: '待审批' }[made[0].status] ?? status);
  await result.locator('[data-test="book-done"]').click();
  // The new booking is in the calendar's list of that day.
  await go(page, `/stations/1/calendar?date=${local(slot.start).date}&room=${slot.room_id}`);
  await page.locator('[data-test="booking-item"]').filter({ hasText: '支部委员会会议' }).first().waitFor();

  // The same hour again: the server refuses it, and its words show under the form.
  const body = { room_id: slot.room_id, org_id: 4, start: slot.start, end: slot.end, title: '再订一次', attendance: 1 };
  const refusal = await zhongke.request('POST', '/bookings', body);
  assert.equal(refusal.status, 409);
  assert.equal(refusal.json.rule, 'overlap');
  page.expectApi(409, '/api/v1/bookings', 'POST');
  await page.locator('[data-test="book-open"]').click();
  await fillBooking(page, { roomId: slot.room_id, start: slot.start, end: slot.end, title: '再订一次', org: '中科科创有限公司党支部' });
  const problem = page.locator('[data-test="book-error"]');
  await problem.waitFor();
  assert.equal(await problem.getAttribute('data-rule'), 'overlap');
  const form = page.locator('[data-test="book-form"]');
  assert.ok((await form.innerText()).includes(refusal.json.detail),
    `the form shows the server's detail "${refusal.json.detail}"; it shows:\n${await form.innerText()}`);
  // The detail is under the field it concerns (the time), inline, not in a toast.
  assert.ok((await form.locator('[data-test="book-time"]').innerText()).includes(refusal.json.detail), 'the detail is under the time');
  assert.equal(await page.locator('[data-test="book-result"]').count(), 0, 'nothing was booked');
  const after = (await zhongke.get(`/bookings?station_id=1&room_id=${slot.room_id}&from=${encodeURIComponent(slot.start)}&to=${encodeURIComponent(slot.end)}`))
    .items.filter((b) => b.title === '再订一次');
  assert.equal(after.length, 0);
});

test('a station\'s manager approves a pending booking', async (t) => {
  const fuli = await app.as('fuli');
  const pending = (await fuli.get('/bookings?station_id=2&status=pending')).items;
  const b = pending.find((x) => x.org_id === 4);
  assert.ok(b, "the demo has zhongke's pending booking at station 2");

  const page = await openPage(t, browser, app, 'desktop');
  await signIn(page, 'fuli');
  await go(page, '/stations/2/calendar');
  // The manager sees the number waiting and follows it to the list.
  const link = page.locator('[data-test="calendar-pending-link"]');
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-test="calendar-pending-link"]')?.innerText || ''));
  assert.match(await link.innerText(), new RegExp(`\\b${pending.length}\\b`));
  await link.click();
  await page.waitForURL((u) => u.pathname === '/stations/2/pending');
  await settled(page);
  const item = page.locator(`[data-test="pending-item"][data-id="${b.id}"]`);
  await item.waitFor();
  assert.ok((await item.innerText()).includes(b.title));
  await item.locator('[data-test="pending-approve"]').click();
  await item.waitFor({ state: 'detached' });
  assert.equal((await fuli.get(`/bookings/${b.id}`)).status, 'confirmed');

  // Its page says so, and offers no approval any more.
  await go(page, `/bookings/${b.id}`);
  assert.equal(await page.locator('[data-test="booking-status"]').getAttribute('data-status'), 'confirmed');
  assert.equal(await page.locator('[data-test="booking-approve"]').count(), 0);
});
