// The register of members, black-box: registering people with the days of their stages,
// moving them along the road (applicant -> activist -> development target -> probationary
// -> full member; transferred out or deceased from any stage on it), thought reports,
// political birthdays, masks of personal data for readers who do not manage a person
// (and an audit "view" record for those who do), filters, list scoping, transfers.
//
// The demo (src/domain/demo.c): 75 people; 中科科创 branch is org 4 under the West Tower
// committee (org 3), partner org 5 is linked to committee 3, the R&F committee (org 6) has
// branches 7-13. Users: admin, xita (committee_admin@3), fuli (committee_admin@6),
// xita_station (station_manager), zhongke (branch_secretary@4), member (member@4).
//
// Dates are relative to today in Guangzhou (UTC+8), as the server's are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signIn } from './lib.mjs';

// ---- days, as the domain counts them (YYYY-MM-DD strings compare as dates) ----

const pad = (n) => String(n).padStart(2, '0');
const ymd = (d) => d.toISOString().slice(0, 10);
const today = () => ymd(new Date(Date.now() + 8 * 3600 * 1000));
const leap = (y) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return ymd(d);
}
// The same day n months later, clamped to the month's last day.
function addMonths(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  const total = y * 12 + (m - 1) + n;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${ny}-${pad(nm)}-${pad(Math.min(d, last))}`;
}
// The same day n years later; 29 February becomes 1 March in a common year.
function addYears(day, n) {
  const [y, m, d] = day.split('-').map(Number);
  if (m === 2 && d === 29 && !leap(y + n)) return `${y + n}-03-01`;
  return `${y + n}-${pad(m)}-${pad(d)}`;
}
function yearsBetween(from, to) {
  let years = 0;
  while (addYears(from, years + 1) <= to) years++;
  return years;
}

// ---- talking to the server ----

let serial = 0;
const phone = () => `139${String(process.pid % 10000).padStart(4, '0')}${String(++serial).padStart(4, '0')}`;

// Signs in the given demo users; as(user, method, path, body) sends as one of them.
async function sessions(srv, ...users) {
  const tokens = { admin: srv.token };
  for (const u of users) if (u !== 'admin') tokens[u] = (await signIn(srv.url, u)).token;
  return (user, method, path, body, headers = {}) =>
    srv.request(method, path, body, { ...headers, authorization: `Bearer ${tokens[user]}` });
}

const ids = (items) => items.map((m) => m.id).sort((a, b) => a - b);

// Everything that a refused request must leave alone: every person as the admin reads
// them, and every audit record of a write to a person.
async function snapshot(srv) {
  const members = await srv.request('GET', '/api/v1/members?limit=500');
  assert.equal(members.status, 200, members.text);
  assert.equal(members.json.next, null, 'more than 500 people: the snapshot would miss some');
  const writes = {};
  for (const action of ['create', 'update', 'delete', 'stage', 'thought_report']) {
    const a = await srv.request('GET', `/api/v1/audit?entity=member&action=${action}&limit=500`);
    assert.equal(a.status, 200, a.text);
    writes[action] = a.json.items.map((x) => x.id);
  }
  return { members: members.json.items, writes };
}

// Sends a request that must be refused with 'status' and change nothing.
async function refused(srv, status, send, what) {
  const before = await snapshot(srv);
  const r = await send();
  assert.equal(r.status, status, `${what}: ${r.status} ${r.text}`);
  assert.match(r.headers.get('content-type') || '', /^application\/problem\+json/, `${what}: ${r.text}`);
  assert.equal(r.json.status, status, `${what}: ${r.text}`);
  const after = await snapshot(srv);
  assert.deepEqual(after, before, `${what}: the register or its audit changed although the request was refused`);
  return r;
}

const pointers = (r) => (r.json.errors || []).map((e) => e.pointer || e.parameter).sort();

// ---- registering ----

test('registering people: a history, gaps allowed, checked against every rule of the road', async () => {
  const srv = await startServer();
  try {
    const as = await sessions(srv, 'zhongke');
    const t = today();
    const tomorrow = addDays(t, 1);

    const body = { name: '王小明', branch_id: 4, born_on: '1995-06-01', phone: phone(), applied_on: '2024-03-01' };
    const made = await as('zhongke', 'POST', '/api/v1/members', body);
    assert.equal(made.status, 201, made.text);
    const m = made.json;
    assert.equal(made.headers.get('location'), `/api/v1/members/${m.id}`);
    assert.equal(m.stage, 'applicant');
    assert.equal(m.version, 1);
    assert.equal(m.kind, 'regular', 'kind defaults to regular');
    assert.equal(m.born_on, '1995-06-01');
    assert.equal(m.phone, body.phone);
    assert.equal(m.applied_on, '2024-03-01');
    for (const f of ['activist_on', 'target_on', 'admitted_on', 'full_on', 'left_as', 'left_on', 'last_report_on'])
      assert.equal(m[f], null, f);
    const read = await as('zhongke', 'GET', `/api/v1/members/${m.id}`);
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json, m, 'what was created reads back the same');

    // Histories the register accepts, with the stage they put the person in.
    const accepted = [
      ['an old member whose early stages are unknown', { admitted_on: '2010-07-01', full_on: '2011-07-01' }, 'full_member'],
      ['a gap in the middle (no development-target day)', { applied_on: '2019-01-01', activist_on: '2019-03-01', admitted_on: '2021-06-01' }, 'probationary'],
      ['only the admission day', { admitted_on: addMonths(t, -2) }, 'probationary'],
      ['a member who has left', { admitted_on: '2005-01-01', full_on: '2006-01-01', left_as: 'transferred_out', left_on: '2020-01-01' }, 'transferred_out'],
      ['a member who died', { activist_on: '2015-01-01', left_as: 'deceased', left_on: '2016-01-01' }, 'deceased'],
      ['applying on the 18th birthday (born 29 February)', { born_on: '2000-02-29', applied_on: '2018-03-01' }, 'applicant'],
      ['exactly one year of cultivation', { applied_on: '2019-01-01', activist_on: '2019-02-28', target_on: '2020-02-28' }, 'development_target'],
      ['exactly one year of probation', { admitted_on: '2021-03-15', full_on: '2022-03-15' }, 'full_member'],
      ['every stage on the same day', { applied_on: '2022-05-05', activist_on: '2022-05-05' }, 'activist'],
      ['a stage dated today', { applied_on: t }, 'applicant'],
    ];
    for (const [what, history, stage] of accepted) {
      const r = await as('zhongke', 'POST', '/api/v1/members', { name: '历史测试', branch_id: 4, phone: phone(), ...history });
      assert.equal(r.status, 201, `${what}: ${r.text}`);
      assert.equal(r.json.stage, stage, what);
      for (const [k, v] of Object.entries(history)) assert.equal(r.json[k], v, `${what}: ${k}`);
    }

    // Each broken rule: 422, and the detail names the rule.
    const broken = [
      ['applying at 17', { born_on: '2000-02-29', applied_on: '2018-02-28' }, /at least 18/],
      ['dates out of order', { applied_on: '2020-05-01', activist_on: '2020-04-30' }, /before the previous stage/],
      ['dates out of order across a gap', { applied_on: '2020-05-01', admitted_on: '2020-04-01' }, /before the previous stage/],
      ['cultivation one day short', { applied_on: '2019-01-01', activist_on: '2019-02-28', target_on: '2020-02-27' },
        /one year of cultivation.*not before 2020-02-28/],
      ['probation one day short', { admitted_on: '2021-03-15', full_on: '2022-03-14' }, /full member after one year.*not before 2022-03-15/],
      ['an application in the future', { applied_on: tomorrow }, /future/],
      ['a full membership in the future', { admitted_on: '2020-01-01', full_on: tomorrow }, /future/],
      ['leaving in the future', { admitted_on: '2020-01-01', left_as: 'transferred_out', left_on: tomorrow }, /future/],
      ['leaving before the last stage', { admitted_on: '2020-01-01', left_as: 'transferred_out', left_on: '2019-12-31' }, /before the previous stage/],
      ['left_as without left_on', { admitted_on: '2020-01-01', left_as: 'deceased' }, /left_as and left_on/, '/left_on'],
      ['left_on without left_as', { admitted_on: '2020-01-01', left_on: '2021-01-01' }, /left_as and left_on/, '/left_as'],
      ['no stage at all', {}, /at least one stage/],
      ['left without ever being on the road', { left_as: 'deceased', left_on: '2020-01-01' }, /on the road first/],
    ];
    // Every case runs; the details that do not name their rule are reported together.
    const unnamed = [];
    for (const [what, history, rule, pointer] of broken) {
      const r = await refused(srv, 422,
        () => as('zhongke', 'POST', '/api/v1/members', { name: '违规测试', branch_id: 4, phone: phone(), born_on: '1980-01-01', ...history }),
        what);
      if (!rule.test(r.json.detail)) unnamed.push(`${what}: detail ${JSON.stringify(r.json.detail)} does not match ${rule}`);
      if (pointer) assert.ok(pointers(r).includes(pointer), `${what}: pointer ${pointer} in ${r.text}`);
    }
    // A branch that does not exist.
    const nobranch = await refused(srv, 422,
      () => srv.request('POST', '/api/v1/members', { name: '无支部', branch_id: 9999, applied_on: '2020-01-01' }), 'unknown branch');
    assert.deepEqual(pointers(nobranch), ['/branch_id']);
    const noemployer = await refused(srv, 422,
      () => srv.request('POST', '/api/v1/members', { name: '无雇主', branch_id: 4, employer_id: 9999, applied_on: '2020-01-01' }), 'unknown employer');
    assert.deepEqual(pointers(noemployer), ['/employer_id']);
    assert.deepEqual(unnamed, [], 'a 422 names the broken rule in its detail');
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// Applying comes first on the road, so a person admitted (or made an activist) before
// turning 18 applied before 18, whether or not the application day is known.
test('the age rule holds when the application day is unknown', async () => {
  const srv = await startServer();
  try {
    const as = await sessions(srv, 'zhongke');
    for (const [what, history] of [
      ['admitted at 10', { born_on: '2010-01-01', admitted_on: '2020-06-01' }],
      ['an activist at 9', { born_on: '2005-06-01', activist_on: '2015-01-01' }],
      ['a full member at 12, admitted at 11', { born_on: '2000-01-01', admitted_on: '2011-03-01', full_on: '2012-03-01' }],
    ]) {
      const r = await refused(srv, 422,
        () => as('zhongke', 'POST', '/api/v1/members', { name: '年龄测试', branch_id: 4, ...history }), what);
      assert.match(r.json.detail, /18/, `${what}: ${r.json.detail}`);
    }
    // Old enough at every known stage: accepted.
    const ok = await as('zhongke', 'POST', '/api/v1/members', { name: '年龄测试', branch_id: 4, born_on: '2000-01-01', admitted_on: '2019-03-01' });
    assert.equal(ok.status, 201, ok.text);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

test('invalid input is a 400 with a pointer to each bad field; stage fields are create-only', async () => {
  const srv = await startServer();
  try {
    const as = await sessions(srv, 'zhongke');
    const bad = await refused(srv, 400, () => as('zhongke', 'POST', '/api/v1/members', {
      branch_id: 'four', foo: 1, stage: 'full_member', last_report_on: '2020-01-01', phone: '138-abc',
      born_on: '1990-02-30', kind: 'vip', gender: 'x', applied_on: 20200101, id_number: '44010619900517123x',
    }), 'a body full of mistakes');
    assert.deepEqual(pointers(bad),
      ['/applied_on', '/born_on', '/branch_id', '/foo', '/gender', '/id_number', '/kind', '/last_report_on', '/name', '/phone', '/stage']);
    assert.equal(bad.json.type !== undefined && bad.json.title !== undefined, true);
    await refused(srv, 400, () => as('zhongke', 'POST', '/api/v1/members', '{"name": "坏的JSON", '), 'malformed JSON');
    await refused(srv, 415, () => as('zhongke', 'POST', '/api/v1/members', 'name=x', { 'content-type': 'text/plain' }), 'not JSON');

    const m = (await as('zhongke', 'POST', '/api/v1/members',
      { name: '可改之人', branch_id: 4, born_on: '1990-01-01', phone: phone(), applied_on: '2023-01-01' })).json;
    // The days of the stages are set when registering, and afterwards only by /stage.
    for (const [field, value] of [['applied_on', '2022-01-01'], ['activist_on', '2023-06-01'], ['target_on', '2024-07-01'],
      ['admitted_on', '2024-08-01'], ['full_on', '2025-09-01'], ['left_as', 'deceased'], ['left_on', '2025-01-01'],
      ['stage', 'full_member'], ['last_report_on', '2025-01-01'], ['id', 999], ['created_at', '2020-01-01T00:00:00+08:00']]) {
      const r = await refused(srv, 400,
        () => as('zhongke', 'PATCH', `/api/v1/members/${m.id}`, { version: m.version, [field]: value }), `PATCH ${field}`);
      assert.deepEqual(pointers(r), [`/${field}`], `PATCH ${field}: ${r.text}`);
    }
    await refused(srv, 400, () => as('zhongke', 'PATCH', `/api/v1/members/${m.id}`, { name: '没有版本' }), 'PATCH without version');

    // What may change, changes.
    const ok = await as('zhongke', 'PATCH', `/api/v1/members/${m.id}`, { version: m.version, name: '改了名字', kind: 'mobile', gender: 'female' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.name, '改了名字');
    assert.equal(ok.json.kind, 'mobile');
    assert.equal(ok.json.version, m.version + 1);
    assert.equal(ok.json.applied_on, '2023-01-01');
    // A stale version is a conflict.
    const stale = await refused(srv, 409,
      () => as('zhongke', 'PATCH', `/api/v1/members/${m.id}`, { version: m.version, name: '过时' }), 'PATCH with a stale version');
    assert.match(stale.json.detail, /version/);
    // A change must keep the rules: a date of birth that makes the application too early.
    const young = await refused(srv, 422,
      () => as('zhongke', 'PATCH', `/api/v1/members/${m.id}`, { version: ok.json.version, born_on: '2006-01-02' }), 'PATCH born_on under 18');
    assert.match(young.json.detail, /at least 18/);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// ---- moving along the road ----

test('moving along the road: one stage at a time, the year rules, stale versions, leaving', async () => {
  const srv = await startServer();
  try {
    const as = await sessions(srv, 'zhongke', 'member', 'fuli');
    const t = today();
    const stage = (id, version, to, on, user = 'zhongke') =>
      as(user, 'POST', `/api/v1/members/${id}/stage`, { version, stage: to, on });

    const made = await as('zhongke', 'POST', '/api/v1/members',
      { name: '逐步前进', branch_id: 4, born_on: '1995-01-01', phone: phone(), applied_on: '2020-01-10' });
    assert.equal(made.status, 201, made.text);
    let m = made.json;

    for (const to of ['development_target', 'probationary', 'full_member', 'applicant']) {
      const r = await refused(srv, 422, () => stage(m.id, m.version, to, '2022-06-01'), `applicant -> ${to}`);
      assert.match(r.json.detail, /one stage at a time/, r.json.detail);
    }
    const early = await refused(srv, 422, () => stage(m.id, m.version, 'activist', '2020-01-09'), 'activist before applying');
    assert.match(early.json.detail, /before the previous stage/);

    let r = await stage(m.id, m.version, 'activist', '2020-02-29');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.stage, 'activist');
    assert.equal(r.json.activist_on, '2020-02-29');
    assert.equal(r.json.applied_on, '2020-01-10');
    assert.equal(r.json.version, m.version + 1);
    assert.deepEqual((await as('zhongke', 'GET', `/api/v1/members/${m.id}`)).json, r.json, 'the answer is what is stored');
    const v1 = m.version;
    m = r.json;

    await refused(srv, 409, () => stage(m.id, v1, 'development_target', '2021-03-01'), 'a stale version');
    // A year of cultivation: from 29 February 2020, the first day allowed is 1 March 2021.
    const short = await refused(srv, 422, () => stage(m.id, m.version, 'development_target', '2021-02-28'), 'cultivation one day short');
    assert.match(short.json.detail, /cultivation/);
    assert.match(short.json.detail, /not before 2021-03-01/, short.json.detail);
    r = await stage(m.id, m.version, 'development_target', '2021-03-01');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.stage, 'development_target');
    assert.equal(r.json.target_on, '2021-03-01');
    m = r.json;

    await refused(srv, 422, () => stage(m.id, m.version, 'probationary', '2021-02-28'), 'admitted before becoming a development target');
    r = await stage(m.id, m.version, 'probationary', '2021-07-01');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.stage, 'probationary');
    assert.equal(r.json.admitted_on, '2021-07-01');
    m = r.json;

    const probation = await refused(srv, 422, () => stage(m.id, m.version, 'full_member', '2022-06-30'), 'probation one day short');
    assert.match(probation.json.detail, /not before 2022-07-01/, probation.json.detail);
    const future = await refused(srv, 422, () => stage(m.id, m.version, 'full_member', addDays(t, 1)), 'full membership tomorrow');
    assert.match(future.json.detail, /future/);
    r = await stage(m.id, m.version, 'full_member', '2022-07-01');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.stage, 'full_member');
    assert.equal(r.json.full_on, '2022-07-01');
    m = r.json;

    await refused(srv, 422, () => stage(m.id, m.version, 'full_member', '2023-01-01'), 'full member again');
    await refused(srv, 422, () => stage(m.id, m.version, 'probationary', '2023-01-01'), 'back to probationary');
    await refused(srv, 422, () => stage(m.id, m.version, 'transferred_out', '2022-06-30'), 'leaving before becoming a full member');
    r = await stage(m.id, m.version, 'transferred_out', t);
    assert.equal(r.status, 200, `transferred out today (${t}, Guangzhou time): ${r.text}`);
    assert.equal(r.json.stage, 'transferred_out');
    assert.equal(r.json.left_as, 'transferred_out');
    assert.equal(r.json.left_on, t);
    assert.equal(r.json.full_on, '2022-07-01');
    m = r.json;
    const gone = await refused(srv, 422, () => stage(m.id, m.version, 'deceased', t), 'a stage after leaving');
    assert.match(gone.json.detail, /no further stages/);

    // The audit log keeps every step, with what changed.
    const steps = (await srv.request('GET', `/api/v1/audit?entity=member&entity_id=${m.id}&action=stage`)).json.items;
    assert.deepEqual(steps.map((a) => [a.username, a.changes.stage]), [
      ['zhongke', ['applicant', 'activist']],
      ['zhongke', ['activist', 'development_target']],
      ['zhongke', ['development_target', 'probationary']],
      ['zhongke', ['probationary', 'full_member']],
      ['zhongke', ['full_member', 'transferred_out']],
    ]);
    assert.deepEqual(steps[0].changes.activist_on, [null, '2020-02-29']);
    assert.equal(steps[0].org_id, 4);

    // From any stage on the road a person may die or be transferred out.
    const applicant = (await as('zhongke', 'POST', '/api/v1/members',
      { name: '早逝者', branch_id: 4, born_on: '1990-01-01', applied_on: '2023-01-01' })).json;
    r = await stage(applicant.id, applicant.version, 'deceased', '2024-01-01');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.stage, 'deceased');
    assert.equal(r.json.left_as, 'deceased');
    const target = (await as('zhongke', 'POST', '/api/v1/members',
      { name: '转出者', branch_id: 4, born_on: '1990-01-01', applied_on: '2020-01-01', activist_on: '2020-02-01', target_on: '2021-02-01' })).json;
    r = await stage(target.id, target.version, 'transferred_out', '2021-05-01');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.stage, 'transferred_out');

    // Bad bodies, unknown people, callers who may not.
    const live = (await as('zhongke', 'POST', '/api/v1/members',
      { name: '待定者', branch_id: 4, born_on: '1990-01-01', applied_on: '2023-01-01' })).json;
    const bad = await refused(srv, 400, () => as('zhongke', 'POST', `/api/v1/members/${live.id}/stage`,
      { version: '1', stage: 'leader', on: '2024-13-01', x: 1 }), 'a bad body');
    assert.deepEqual(pointers(bad), ['/on', '/stage', '/version', '/x']);
    const missing = await refused(srv, 400, () => as('zhongke', 'POST', `/api/v1/members/${live.id}/stage`, {}), 'an empty body');
    assert.deepEqual(pointers(missing), ['/on', '/stage', '/version']);
    await refused(srv, 404, () => stage(999999, 1, 'activist', '2024-01-01'), 'an unknown person');
    await refused(srv, 403, () => stage(live.id, live.version, 'activist', '2024-01-01', 'member'), 'a member of the branch');
    await refused(srv, 404, () => stage(live.id, live.version, 'activist', '2024-01-01', 'fuli'), 'another committee');
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// ---- thought reports ----

test('thought reports: activists only, dated sensibly; the overdue list', async () => {
  const srv = await startServer();
  try {
    const as = await sessions(srv, 'zhongke', 'member');
    const t = today();
    const cutoff = addMonths(t, -3); // a report on this day is exactly three months old
    const report = (m, on, version = m.version, user = 'zhongke') =>
      as(user, 'POST', `/api/v1/members/${m.id}/thought-reports`, { version, on });
    const activist = async (name, since) => {
      const r = await as('zhongke', 'POST', '/api/v1/members',
        { name, branch_id: 4, born_on: '1990-01-01', applied_on: addMonths(since, -3), activist_on: since });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    const overdue = async () => {
      const r = await as('zhongke', 'GET', '/api/v1/members?reports_overdue=true&limit=500');
      assert.equal(r.status, 200, r.text);
      return r.json.items;
    };

    const a = await activist('按时汇报', addMonths(t, -6));
    let r = await report(a, t);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.last_report_on, t);
    assert.equal(r.json.version, a.version + 1);
    assert.equal(r.json.stage, 'activist');
    const a2 = r.json;
    await refused(srv, 409, () => report(a2, t, a.version), 'a stale version');
    const early = await refused(srv, 422, () => report(a2, addDays(a.activist_on, -1)), 'a report before becoming an activist');
    assert.deepEqual(pointers(early), ['/on']);
    const late = await refused(srv, 422, () => report(a2, addDays(t, 1)), 'a report dated tomorrow');
    assert.deepEqual(pointers(late), ['/on']);
    await refused(srv, 400, () => as('zhongke', 'POST', `/api/v1/members/${a.id}/thought-reports`, { version: a2.version, on: 'soon', stage: 'activist' }), 'a bad body');
    await refused(srv, 403, () => report(a2, t, a2.version, 'member'), 'a member of the branch');

    // Only activists hand in thought reports.
    const applicant = (await as('zhongke', 'POST', '/api/v1/members', { name: '申请人', branch_id: 4, born_on: '1990-01-01', applied_on: '2024-01-01' })).json;
    const target = (await as('zhongke', 'POST', '/api/v1/members',
      { name: '发展对象', branch_id: 4, born_on: '1990-01-01', applied_on: '2020-01-01', activist_on: '2020-02-01', target_on: '2021-02-01' })).json;
    const full = (await as('zhongke', 'GET', '/api/v1/members/1')).json;
    assert.equal(full.stage, 'full_member');
    for (const p of [applicant, target, full]) {
      const no = await refused(srv, 422, () => report(p, t), `a thought report of a ${p.stage}`);
      assert.match(no.json.detail, /activist/, no.json.detail);
    }

    // The overdue list: activists whose last report (or becoming an activist) is more than three months ago.
    const never = await activist('从未汇报', addMonths(t, -6));
    const fresh = await activist('新积极分子', addMonths(t, -1));
    const onTheDay = await activist('刚好三个月', addMonths(t, -6));
    assert.equal((await report(onTheDay, cutoff)).status, 200);
    const dayLate = await activist('晚了一天', addMonths(t, -6));
    assert.equal((await report(dayLate, addDays(cutoff, -1))).status, 200);
    let list = await overdue();
    let listed = ids(list);
    assert.ok(listed.includes(never.id), 'an activist who never reported in six months is overdue');
    assert.ok(listed.includes(dayLate.id), 'a report three months and a day old is overdue');
    assert.ok(!listed.includes(fresh.id), 'a new activist is not overdue');
    assert.ok(!listed.includes(onTheDay.id), 'a report exactly three months old is not overdue yet');
    assert.ok(!listed.includes(a.id), 'an activist who reported today is not overdue');
    assert.ok(!listed.includes(applicant.id) && !listed.includes(target.id));
    // Exactly the activists of the branch that the rule names, demo ones included.
    const everyone = (await as('zhongke', 'GET', '/api/v1/members?limit=500')).json.items;
    const expected = everyone.filter((m) => m.stage === 'activist' && (m.last_report_on || m.activist_on) < cutoff);
    assert.deepEqual(listed, ids(expected));
    assert.ok(expected.some((m) => m.id < applicant.id), 'the demo has overdue activists in branch 4');
    // A fresh report takes an activist off the list.
    const v = (await as('zhongke', 'GET', `/api/v1/members/${never.id}`)).json.version;
    r = await report({ id: never.id, version: v }, t);
    assert.equal(r.status, 200, r.text);
    listed = ids(await overdue());
    assert.ok(!listed.includes(never.id), 'still overdue after a fresh report');
    assert.ok(listed.includes(dayLate.id));
    // reports_overdue=false is no filter at all; anything else is a 400.
    const all = await as('zhongke', 'GET', '/api/v1/members?reports_overdue=false&limit=500');
    assert.deepEqual(ids(all.json.items), ids(everyone));
    const yes = await as('zhongke', 'GET', '/api/v1/members?reports_overdue=yes');
    assert.equal(yes.status, 400, yes.text);
    assert.deepEqual(pointers(yes), ['reports_overdue']);

    const audit = (await srv.request('GET', `/api/v1/audit?entity=member&entity_id=${never.id}&action=thought_report`)).json.items;
    assert.equal(audit.length, 1);
    assert.deepEqual(audit[0].changes.last_report_on, [null, t]);
    assert.equal(audit[0].username, 'zhongke');
    // The 422s above name their rule in the detail, not only in errors[].
    for (const [what, r] of [['before becoming an activist', early], ['tomorrow', late]])
      assert.match(r.json.detail, /activist and today|future|before/, `a report dated ${what}: detail ${JSON.stringify(r.json.detail)}`);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// last_report_on is the last report: one dated earlier, handed in late, is either refused
// or leaves it as it was; it must not make a punctual activist overdue.
test('an older thought report handed in late does not move the last report back', async () => {
  const srv = await startServer();
  try {
    const as = await sessions(srv, 'zhongke');
    const t = today();
    const made = await as('zhongke', 'POST', '/api/v1/members',
      { name: '补交汇报', branch_id: 4, born_on: '1990-01-01', applied_on: addMonths(t, -12), activist_on: addMonths(t, -8) });
    assert.equal(made.status, 201, made.text);
    const first = await as('zhongke', 'POST', `/api/v1/members/${made.json.id}/thought-reports`, { version: 1, on: t });
    assert.equal(first.status, 200, first.text);
    const old = addMonths(t, -5);
    const late = await as('zhongke', 'POST', `/api/v1/members/${made.json.id}/thought-reports`, { version: 2, on: old });
    assert.ok(late.status === 422 || late.status === 200, late.text);
    const now = (await as('zhongke', 'GET', `/api/v1/members/${made.json.id}`)).json;
    assert.equal(now.last_report_on, t, `after a report of ${old} handed in late (${late.status})`);
    const overdue = (await as('zhongke', 'GET', '/api/v1/members?reports_overdue=true&limit=500')).json.items;
    assert.ok(!overdue.some((m) => m.id === made.json.id), 'an activist who reported today is listed as overdue');
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// ---- political birthdays ----

test('political birthdays: probationary and full members admitted in the month, in the subtree, with their years', async () => {
  const srv = await startServer();
  try {
    const as = await sessions(srv, 'xita', 'fuli', 'zhongke', 'member', 'xita_station');
    const t = today();
    const [Y, M, D] = t.split('-').map(Number);
    const MM = pad(M);
    const other = pad((M % 12) + 1);
    const add = async (branch_id, history) => {
      const r = await srv.request('POST', '/api/v1/members', { name: `生日${++serial}`, branch_id, born_on: '1970-01-01', ...history });
      assert.equal(r.status, 201, `${JSON.stringify(history)}: ${r.text}`);
      return r.json;
    };
    // In branch 4, admitted this month: a probationary member (this month's first day), a
    // full member admitted ten years ago on a day not after today's (10 years), and
    // ten years ago tomorrow (9 years, if this month has a tomorrow).
    const prob = await add(4, { admitted_on: `${Y}-${MM}-01` });
    const day10 = pad(Math.min(D, 28));
    const ten = await add(4, { admitted_on: `${Y - 10}-${MM}-${day10}`, full_on: `${Y - 9}-${MM}-${day10}` });
    const lastDay = new Date(Date.UTC(Y - 10, M, 0)).getUTCDate();
    const nine = D < lastDay ? await add(4, { admitted_on: `${Y - 10}-${MM}-${pad(D + 1)}`, full_on: `${Y - 8}-01-01` }) : null;
    // Not at the gathering: people who left, one admitted another month, applicants,
    // and people of other branches.
    const left = await add(4, { admitted_on: `${Y - 5}-${MM}-02`, full_on: `${Y - 4}-${MM}-03`, left_as: 'transferred_out', left_on: `${Y - 1}-01-01` });
    const dead = await add(4, { admitted_on: `${Y - 6}-${MM}-02`, left_as: 'deceased', left_on: `${Y - 1}-01-01` });
    const otherMonth = await add(4, { admitted_on: `${Y - 3}-${other}-05`, full_on: `${Y - 2}-${other}-05` });
    const activist = await add(4, { applied_on: `${Y - 2}-${MM}-01`, activist_on: `${Y - 2}-${MM}-02` });
    const rf = await add(7, { admitted_on: `${Y - 4}-${MM}-01`, full_on: `${Y - 3}-${MM}-01` });
    const partner = await add(5, { admitted_on: `${Y - 7}-${MM}-01`, full_on: `${Y - 6}-${MM}-01`, kind: 'partner_vip' });

    const orgs = (await srv.request('GET', '/api/v1/orgs?limit=500')).json.items;
    const pathOf = Object.fromEntries(orgs.map((o) => [o.id, o.path]));
    const everyone = (await srv.request('GET', '/api/v1/members?limit=500')).json.items;
    const expect = (org, month) => everyone
      .filter((m) => (m.stage === 'probationary' || m.stage === 'full_member') && m.admitted_on
        && Number(m.admitted_on.slice(5, 7)) === month && pathOf[m.branch_id].startsWith(pathOf[org]))
      .map((m) => ({ member_id: m.id, name: m.name, branch_id: m.branch_id, admitted_on: m.admitted_on, years: yearsBetween(m.admitted_on, t) }))
      .sort((a, b) => a.member_id - b.member_id);
    const birthdays = async (user, query) => {
      const r = await as(user, 'GET', `/api/v1/birthdays?${query}`);
      if (r.status === 200) r.items = [...r.json.items].sort((a, b) => a.member_id - b.member_id);
      return r;
    };

    const west = await birthdays('xita', `month=${M}&org_id=3`);
    assert.equal(west.status, 200, west.text);
    assert.deepEqual(west.items, expect(3, M));
    const got = Object.fromEntries(west.items.map((b) => [b.member_id, b]));
    assert.equal(got[prob.id]?.years, 0, 'a probationary member admitted this month');
    assert.equal(got[ten.id]?.years, 10, 'admitted ten years ago, on a day of this month not after today');
    if (nine) assert.equal(got[nine.id]?.years, 9, 'ten years ago tomorrow: still nine years');
    for (const [what, m] of [['transferred out', left], ['deceased', dead], ['another month', otherMonth],
      ['an activist', activist], ['an R&F member', rf]])
      assert.ok(!got[m.id], `${what} is not at the West Tower's gathering`);

    // Each month of the year, for the committee: together, every admitted member of its subtree once.
    const seen = [];
    for (let month = 1; month <= 12; month++) {
      const r = await birthdays('xita', `month=${month}&org_id=3`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.items, expect(3, month), `month ${month}`);
      assert.ok(r.items.every((b) => Number(b.admitted_on.slice(5, 7)) === month));
      seen.push(...r.items.map((b) => b.member_id));
    }
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(seen.length >= 36, `the West Tower has ${seen.length} admitted members`);

    // Other organisations, other readers.
    const rfList = await birthdays('fuli', `month=${M}&org_id=6`);
    assert.equal(rfList.status, 200, rfList.text);
    assert.deepEqual(rfList.items, expect(6, M));
    assert.ok(rfList.items.some((b) => b.member_id === rf.id));
    const br7 = await birthdays('fuli', `month=${M}&org_id=7`);
    assert.deepEqual(br7.items, expect(7, M));
    const partnerList = await birthdays('xita', `month=${M}&org_id=5`);
    assert.equal(partnerList.status, 200, partnerList.text);
    assert.deepEqual(partnerList.items, expect(5, M));
    assert.ok(partnerList.items.some((b) => b.member_id === partner.id));
    const branch = await birthdays('member', `month=${M}&org_id=4`);
    assert.equal(branch.status, 200, branch.text);
    assert.deepEqual(branch.items, expect(4, M));
    assert.deepEqual((await birthdays('zhongke', `month=${M}&org_id=4`)).items, expect(4, M));
    const district = await birthdays('admin', `month=${M}&org_id=1`);
    assert.deepEqual(district.items, expect(1, M));

    // An organisation out of reach (or that does not exist) is a 404.
    for (const [user, org] of [['fuli', 3], ['fuli', 4], ['fuli', 5], ['xita', 6], ['xita', 2], ['zhongke', 3],
      ['member', 3], ['xita_station', 4], ['admin', 9999]]) {
      const r = await birthdays(user, `month=${M}&org_id=${org}`);
      assert.equal(r.status, 404, `${user} asking for org ${org}: ${r.text}`);
      assert.match(r.headers.get('content-type'), /^application\/problem\+json/);
    }
    // month 1-12 and org_id are required.
    for (const [query, bad] of [[`org_id=3`, ['month']], [`month=0&org_id=3`, ['month']], [`month=13&org_id=3`, ['month']],
      [`month=may&org_id=3`, ['month']], [`month=${M}`, ['org_id']], [`month=${M}&org_id=x`, ['org_id']], ['', ['month', 'org_id']],
      [`month=${M}&org_id=3&branch_id=4`, ['branch_id']]]) {
      const r = await birthdays('xita', query);
      assert.equal(r.status, 400, `?${query}: ${r.text}`);
      assert.deepEqual(pointers(r), bad, `?${query}`);
    }
    const anon = await srv.request('GET', `/api/v1/birthdays?month=${M}&org_id=3`, undefined, { authorization: '' });
    assert.equal(anon.status, 401);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// ---- masks and the audit of views ----

test('personal data: masked for readers who do not manage the person; each full view is audited', async () => {
  const srv = await startServer();
  try {
    const as = await sessions(srv, 'xita', 'fuli', 'zhongke', 'member');
    const made = await as('zhongke', 'POST', '/api/v1/members', {
      name: '隐私测试', branch_id: 4, phone: '13812345678', born_on: '1990-05-17', id_number: '44010619900517123X',
      external_id: 'EXT-0001', admitted_on: '2020-05-20', full_on: '2021-05-20',
    });
    assert.equal(made.status, 201, made.text);
    const full = made.json;
    assert.equal(full.phone, '13812345678', 'the creator sees what it wrote');
    const short = (await as('zhongke', 'POST', '/api/v1/members', {
      name: '短号码', branch_id: 4, phone: '12345', id_number: 'AB12', born_on: '1991-12-01', applied_on: '2020-01-01',
    })).json;
    const views = async (id) => (await srv.request('GET', `/api/v1/audit?entity=member&entity_id=${id}&action=view&limit=500`))
      .json.items.filter((a) => a.username !== 'admin');

    // The member role of the same branch sees the person, masked.
    const masked = await as('member', 'GET', `/api/v1/members/${full.id}`);
    assert.equal(masked.status, 200, masked.text);
    assert.equal(masked.json.phone, '138****5678');
    assert.equal(masked.json.born_on, '1990-**-**');
    assert.equal(masked.json.id_number, '440*************3X');
    const { phone: _p, born_on: _b, id_number: _i, ...rest } = masked.json;
    const { phone: _p2, born_on: _b2, id_number: _i2, ...restFull } = full;
    assert.deepEqual(rest, restFull, 'only the personal fields are masked');
    const s = (await as('member', 'GET', `/api/v1/members/${short.id}`)).json;
    assert.equal(s.phone, '*****', 'a value too short to show any of it');
    assert.equal(s.id_number, '****');
    assert.equal(s.born_on, '1991-**-**');
    assert.deepEqual(await views(full.id), [], 'a masked read is no view of personal data');

    // In the list, every person is masked for the member role.
    const list = await as('member', 'GET', '/api/v1/members?limit=500');
    assert.equal(list.status, 200, list.text);
    assert.ok(list.json.items.length >= 38, `${list.json.items.length} people listed`);
    for (const m of list.json.items) {
      assert.ok(m.phone === null || /^(\d{3}\*+\d{4}|\*+)$/.test(m.phone), `phone of ${m.id} in the list: ${m.phone}`);
      assert.ok(m.born_on === null || /^\d{4}-\*\*-\*\*$/.test(m.born_on), `born_on of ${m.id}: ${m.born_on}`);
      assert.ok(m.id_number === null || m.id_number.includes('*'), `id_number of ${m.id}: ${m.id_number}`);
    }
    assert.equal(list.json.items.find((m) => m.id === full.id).phone, '138****5678');
    assert.deepEqual(await views(full.id), [], 'a masked list is no view either');

    // Managers see everything, and each such view is recorded.
    const fullFields = (m) => [m.phone, m.born_on, m.id_number];
    for (const user of ['zhongke', 'xita', 'admin']) {
      const r = await as(user, 'GET', `/api/v1/members/${full.id}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(fullFields(r.json), ['13812345678', '1990-05-17', '44010619900517123X'], user);
    }
    const recorded = await views(full.id);
    assert.deepEqual(recorded.map((a) => [a.username, a.action, a.entity, a.entity_id, a.org_id]),
      [['zhongke', 'view', 'member', full.id, 4], ['xita', 'view', 'member', full.id, 4]]);
    const adminViews = (await srv.request('GET', `/api/v1/audit?entity=member&entity_id=${full.id}&action=view&limit=500`))
      .json.items.filter((a) => a.username === 'admin');
    assert.ok(adminViews.length >= 1, 'the admin\'s view is recorded too');
    // A manager's list is a view of each person listed.
    const before = (await views(short.id)).length;
    const zl = await as('zhongke', 'GET', `/api/v1/members?branch_id=4&q=${encodeURIComponent('短号码')}`);
    assert.deepEqual(zl.json.items.map((m) => [m.id, m.phone]), [[short.id, '12345']]);
    assert.equal((await views(short.id)).length, before + 1);
    // The member role reads again: still no record of it.
    await as('member', 'GET', `/api/v1/members/${full.id}`);
    assert.deepEqual((await views(full.id)).map((a) => a.username), ['zhongke', 'xita']);

    // Another committee's admin sees its own members in full, not this one at all.
    const rfMember = (await srv.request('GET', '/api/v1/members?branch_id=7&limit=1')).json.items[0];
    const fr = await as('fuli', 'GET', `/api/v1/members/${rfMember.id}`);
    assert.equal(fr.status, 200, fr.text);
    assert.equal(fr.json.phone, rfMember.phone);
    assert.equal(fr.json.born_on, rfMember.born_on);
    assert.equal((await as('fuli', 'GET', `/api/v1/members/${full.id}`)).status, 404);
    assert.equal((await as('member', 'GET', `/api/v1/members/${rfMember.id}`)).status, 404);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// ---- filters and scoping ----

test('filters: stage, kind, admitted_month, within, branch_id, q, reports_overdue; bad ones are 400', async () => {
  const srv = await startServer();
  try {
    const t = today();
    const add = async (body) => {
      const r = await srv.request('POST', '/api/v1/members', { born_on: '1980-01-01', ...body });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    await add({ name: '欧阳娜娜', branch_id: 8, kind: 'mobile', admitted_on: addMonths(t, -2) });
    await add({ name: '司马光明', branch_id: 5, kind: 'partner_vip', admitted_on: '2001-03-03', full_on: '2002-03-04', left_as: 'transferred_out', left_on: '2010-01-01' });
    await add({ name: 'Zhang Wei', branch_id: 4, admitted_on: '2001-12-03', left_as: 'deceased', left_on: '2010-01-01' });
    await add({ name: '百分之百%', branch_id: 12, applied_on: '2024-01-01', activist_on: '2024-02-01' });

    const all = (await srv.request('GET', '/api/v1/members?limit=500')).json.items;
    assert.equal(all.length, 79);
    const orgs = (await srv.request('GET', '/api/v1/orgs?limit=500')).json.items;
    const pathOf = Object.fromEntries(orgs.map((o) => [o.id, o.path]));
    const cutoff = addMonths(t, -3);
    const cases = [
      ...['applicant', 'activist', 'development_target', 'probationary', 'full_member', 'transferred_out', 'deceased']
        .map((s) => [`stage=${s}`, (m) => m.stage === s]),
      ...['regular', 'mobile', 'partner_vip'].map((k) => [`kind=${k}`, (m) => m.kind === k]),
      ...Array.from({ length: 12 }, (_, i) => [`admitted_month=${i + 1}`, (m) => m.admitted_on && Number(m.admitted_on.slice(5, 7)) === i + 1]),
      ...[1, 3, 4, 5, 6, 8].map((o) => [`within=${o}`, (m) => pathOf[m.branch_id].startsWith(pathOf[o])]),
      ...[4, 5, 7, 12, 13].map((b) => [`branch_id=${b}`, (m) => m.branch_id === b]),
      ...['丽华', '林', '阳娜', 'zhang w', '%', '_'].map((q) => [`q=${encodeURIComponent(q)}`, (m) => m.name.toLowerCase().includes(q.toLowerCase())]),
      ['reports_overdue=true', (m) => m.stage === 'activist' && (m.last_report_on || m.activist_on) < cutoff],
      ['stage=full_member&branch_id=4&admitted_month=3', (m) => m.stage === 'full_member' && m.branch_id === 4 && m.admitted_on.slice(5, 7) === '03'],
      ['within=6&stage=activist', (m) => pathOf[m.branch_id].startsWith('/1/2/6/') && m.stage === 'activist'],
      ['within=3&kind=mobile', (m) => pathOf[m.branch_id].startsWith(pathOf[3]) && m.kind === 'mobile'],
      [`q=${encodeURIComponent('丽华')}&branch_id=7`, (m) => m.name.includes('丽华') && m.branch_id === 7],
    ];
    const nonEmpty = new Set();
    for (const [query, keep] of cases) {
      const r = await srv.request('GET', `/api/v1/members?${query}&limit=500`);
      assert.equal(r.status, 200, `?${query}: ${r.text}`);
      const want = ids(all.filter(keep));
      assert.deepEqual(ids(r.json.items), want, `?${query}`);
      if (want.length) nonEmpty.add(query.split('=')[0]);
    }
    for (const f of ['stage', 'kind', 'admitted_month', 'within', 'branch_id', 'q', 'reports_overdue'])
      assert.ok(nonEmpty.has(f), `no case of ${f} selects anybody`);
    // Paging through a filtered list gives the same people.
    let cursor = null;
    const paged = [];
    do {
      const r = await srv.request('GET', `/api/v1/members?stage=full_member&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.items.length <= 7);
      paged.push(...r.json.items);
      cursor = r.json.next;
    } while (cursor);
    assert.deepEqual(ids(paged), ids(all.filter((m) => m.stage === 'full_member')));

    for (const [query, param] of [['stage=member', 'stage'], ['kind=vip', 'kind'], ['admitted_month=0', 'admitted_month'],
      ['admitted_month=13', 'admitted_month'], ['within=0', 'within'], ['branch_id=abc', 'branch_id'],
      ['reports_overdue=1', 'reports_overdue'], ['phone=13812345678', 'phone'], ['name=x', 'name']]) {
      const r = await srv.request('GET', `/api/v1/members?${query}`);
      assert.equal(r.status, 400, `?${query}: ${r.text}`);
      assert.deepEqual(pointers(r), [param], `?${query}: ${r.text}`);
    }
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

test('lists and reads are scoped to the caller\'s organisations', async () => {
  const srv = await startServer();
  try {
    const as = await sessions(srv, 'xita', 'fuli', 'zhongke', 'member', 'xita_station');
    const all = (await srv.request('GET', '/api/v1/members?limit=500')).json.items;
    assert.equal(all.length, 75, 'the demo has 75 people');
    const inBranches = (...b) => ids(all.filter((m) => b.includes(m.branch_id)));
    const list = async (user, query = '') => {
      const r = await as(user, 'GET', `/api/v1/members?limit=500${query}`);
      assert.equal(r.status, 200, `${user}: ${r.text}`);
      return r.json.items;
    };
    const fuli = await list('fuli');
    assert.deepEqual(ids(fuli), inBranches(7, 8, 9, 10, 11, 12, 13), 'fuli: the R&F branches');
    assert.ok(fuli.length >= 18);
    const xita = await list('xita');
    assert.deepEqual(ids(xita), inBranches(4, 5), 'xita: branch 4 and the partner 5');
    assert.ok(xita.some((m) => m.branch_id === 5) && xita.some((m) => m.branch_id === 4));
    assert.deepEqual(ids(await list('zhongke')), inBranches(4), 'zhongke: its branch');
    const member = await list('member');
    assert.deepEqual(ids(member), inBranches(4), 'member: its branch');
    assert.ok(member.every((m) => m.phone === null || m.phone.includes('*')), 'member: masked');
    // Filters never widen the scope.
    assert.deepEqual(ids(await list('fuli', '&within=3')), []);
    assert.deepEqual(ids(await list('fuli', '&branch_id=4')), []);
    assert.deepEqual(ids(await list('zhongke', '&within=1')), inBranches(4));
    assert.deepEqual(ids(await list('xita', '&within=5')), inBranches(5));
    // Paging keeps to the scope.
    const page = await as('fuli', 'GET', '/api/v1/members?limit=5');
    assert.deepEqual(ids(page.json.items), ids(fuli).slice(0, 5));
    const rest = await as('fuli', 'GET', `/api/v1/members?limit=500&cursor=${page.json.next}`);
    assert.deepEqual(ids(rest.json.items), ids(fuli).slice(5));

    const station = await as('xita_station', 'GET', '/api/v1/members');
    assert.equal(station.status, 403, station.text);
    const anon = await srv.request('GET', '/api/v1/members', undefined, { authorization: '' });
    assert.equal(anon.status, 401);

    const one = (b) => all.find((m) => m.branch_id === b).id;
    for (const [user, branch, status] of [['fuli', 4, 404], ['fuli', 5, 404], ['fuli', 7, 200], ['xita', 5, 200], ['xita', 7, 404],
      ['zhongke', 5, 404], ['zhongke', 4, 200], ['member', 7, 404], ['member', 5, 404], ['xita_station', 4, 404]]) {
      const r = await as(user, 'GET', `/api/v1/members/${one(branch)}`);
      assert.equal(r.status, status, `${user} reading a person of branch ${branch}: ${r.text}`);
    }
    assert.equal((await srv.request('GET', '/api/v1/members/999999')).status, 404);

    // Masks are decided person by person: fuli, also a member of branch 4, lists its own
    // people in full and branch 4's masked, and only the former count as views.
    const fuliUser = (await srv.request('GET', '/api/v1/users?q=fuli')).json.items.find((u) => u.username === 'fuli');
    const g = await srv.request('POST', '/api/v1/grants', { user_id: fuliUser.id, role: 'member', org_id: 4 });
    assert.equal(g.status, 201, g.text);
    const fuli2 = await signIn(srv.url, 'fuli');
    const asFuli = (method, path, body) => srv.request(method, path, body, { authorization: `Bearer ${fuli2.token}` });
    const viewsBy = async () => (await srv.request('GET', '/api/v1/audit?entity=member&action=view&user_id=' + fuliUser.id + '&limit=500'))
      .json.items.map((a) => a.entity_id).sort((a, b) => a - b);
    const before = await viewsBy();
    const mixed = (await asFuli('GET', '/api/v1/members?limit=500')).json.items;
    assert.deepEqual(ids(mixed), inBranches(4, 7, 8, 9, 10, 11, 12, 13));
    const byId = Object.fromEntries(all.map((m) => [m.id, m]));
    for (const m of mixed) {
      if (m.branch_id === 4) assert.ok(m.phone === null || (m.phone.includes('*') && m.phone !== byId[m.id].phone), `branch 4 person ${m.id} unmasked for fuli: ${m.phone}`);
      else assert.equal(m.phone, byId[m.id].phone, `R&F person ${m.id} masked for its own committee admin`);
    }
    const after = await viewsBy();
    const added = [...after];
    for (const x of before) added.splice(added.indexOf(x), 1);
    assert.deepEqual(added, inBranches(7, 8, 9, 10, 11, 12, 13), 'views recorded for exactly the people fuli manages');
    const p4 = one(4);
    const single = await asFuli('GET', `/api/v1/members/${p4}`);
    assert.equal(single.status, 200, single.text);
    assert.notEqual(single.json.phone, byId[p4].phone);
    assert.equal((await asFuli('PATCH', `/api/v1/members/${p4}`, { version: single.json.version, gender: 'male' })).status, 403);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// ---- transfers and conflicts ----

test('a transfer between branches is an audited PATCH of branch_id, only into the caller\'s reach', async () => {
  const srv = await startServer();
  try {
    const as = await sessions(srv, 'xita', 'fuli', 'zhongke', 'member');
    const m = (await as('zhongke', 'POST', '/api/v1/members',
      { name: '调动之人', branch_id: 4, born_on: '1985-01-01', phone: phone(), admitted_on: '2015-04-01', full_on: '2016-04-01' })).json;
    const patch = (user, version, branch_id) => as(user, 'PATCH', `/api/v1/members/${m.id}`, { version, branch_id });

    await refused(srv, 403, () => patch('zhongke', m.version, 7), 'zhongke moving a member to an R&F branch');
    await refused(srv, 403, () => patch('zhongke', m.version, 5), 'zhongke moving a member to the partner');
    await refused(srv, 403, () => patch('xita', m.version, 7), 'xita moving a member out of its committee');
    await refused(srv, 403, () => patch('member', m.version, 4), 'the member role');
    await refused(srv, 404, () => patch('fuli', m.version, 7), 'fuli pulling a member of another committee');
    const nowhere = await refused(srv, 422, () => patch('xita', m.version, 9999), 'a branch that does not exist');
    assert.deepEqual(pointers(nowhere), ['/branch_id']);

    let r = await patch('xita', m.version, 5);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.branch_id, 5);
    assert.equal(r.json.version, m.version + 1);
    assert.equal(r.json.admitted_on, '2015-04-01', 'the history goes along');
    assert.equal(r.json.stage, 'full_member');
    assert.equal((await as('zhongke', 'GET', `/api/v1/members/${m.id}`)).status, 404, 'out of the branch secretary\'s reach now');
    r = await patch('xita', r.json.version, 4);
    assert.equal(r.status, 200, r.text);
    r = await patch('admin', r.json.version, 7);
    assert.equal(r.status, 200, r.text);
    assert.equal((await as('fuli', 'GET', `/api/v1/members/${m.id}`)).json.phone, m.phone);
    assert.equal((await as('xita', 'GET', `/api/v1/members/${m.id}`)).status, 404);

    const moves = (await srv.request('GET', `/api/v1/audit?entity=member&entity_id=${m.id}&action=update`)).json.items;
    assert.deepEqual(moves.map((a) => [a.username, a.changes.branch_id]), [['xita', [4, 5]], ['xita', [5, 4]], ['admin', [4, 7]]]);
    assert.ok(moves.every((a) => Object.keys(a.changes).every((k) => ['branch_id', 'stage'].includes(k) || a.changes[k][0] !== a.changes[k][1])));
    // The record of the move to 7 is fuli's to read now; the earlier ones stay xita's.
    const fuli = await as('fuli', 'GET', `/api/v1/audit?entity=member&entity_id=${m.id}&action=update`);
    assert.ok(fuli.json.items.some((a) => a.changes.branch_id[1] === 7), fuli.text);
    const xita = await as('xita', 'GET', `/api/v1/audit?entity=member&entity_id=${m.id}&action=update`);
    assert.ok(xita.json.items.some((a) => a.changes.branch_id[1] === 5), xita.text);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

test('a phone number or an outside register\'s key belongs to one person: duplicates are 409', async () => {
  const srv = await startServer();
  try {
    const as = await sessions(srv, 'zhongke', 'fuli');
    const taken = (await srv.request('GET', '/api/v1/members/1')).json.phone;
    assert.ok(taken);
    const dup = await refused(srv, 409, () => as('zhongke', 'POST', '/api/v1/members',
      { name: '重复号码', branch_id: 4, phone: taken, applied_on: '2024-01-01' }), 'a phone already registered');
    assert.ok(!dup.text.includes('UNIQUE') && !dup.text.includes('members.phone'), `the database speaks: ${dup.text}`);
    // Also when the other person is in another committee's branch.
    const rfPhone = (await srv.request('GET', '/api/v1/members?branch_id=7&limit=1')).json.items[0].phone;
    await refused(srv, 409, () => as('zhongke', 'POST', '/api/v1/members',
      { name: '重复号码', branch_id: 4, phone: rfPhone, applied_on: '2024-01-01' }), 'a phone registered in another committee');

    const a = (await as('zhongke', 'POST', '/api/v1/members', { name: '甲', branch_id: 4, phone: phone(), external_id: 'HR-1', applied_on: '2024-01-01' })).json;
    const b = (await as('zhongke', 'POST', '/api/v1/members', { name: '乙', branch_id: 4, phone: phone(), applied_on: '2024-01-01' })).json;
    await refused(srv, 409, () => as('zhongke', 'PATCH', `/api/v1/members/${b.id}`, { version: b.version, phone: a.phone }), 'PATCH to a taken phone');
    await refused(srv, 409, () => as('zhongke', 'POST', '/api/v1/members',
      { name: '丙', branch_id: 4, external_id: 'HR-1', applied_on: '2024-01-01' }), 'a taken external_id');
    // People without a phone are many.
    for (const name of ['无电话一', '无电话二']) {
      const r = await as('zhongke', 'POST', '/api/v1/members', { name, branch_id: 4, applied_on: '2024-01-01' });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.phone, null);
    }
    // A freed number may be taken again.
    const freed = await as('zhongke', 'PATCH', `/api/v1/members/${a.id}`, { version: a.version, phone: null });
    assert.equal(freed.status, 200, freed.text);
    const again = await as('zhongke', 'PATCH', `/api/v1/members/${b.id}`, { version: b.version, phone: a.phone });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.phone, a.phone);

    // Deleting: the branch secretary may, the other committee may not even see it.
    await refused(srv, 404, () => as('fuli', 'DELETE', `/api/v1/members/${a.id}`), 'fuli deleting a member of branch 4');
    const del = await as('zhongke', 'DELETE', `/api/v1/members/${a.id}`);
    assert.equal(del.status, 204, del.text);
    assert.equal((await srv.request('GET', `/api/v1/members/${a.id}`)).status, 404);
    const gone = (await srv.request('GET', `/api/v1/audit?entity=member&entity_id=${a.id}&action=delete`)).json.items;
    assert.deepEqual(gone.map((x) => x.username), ['zhongke']);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// Two managers acting on the same version at once: one wins, the others get a conflict,
// and the log holds one step.
test('concurrent steps on the same version: exactly one succeeds', async () => {
  const srv = await startServer();
  try {
    const as = await sessions(srv, 'zhongke', 'xita');
    const m = (await as('zhongke', 'POST', '/api/v1/members',
      { name: '同时操作', branch_id: 4, born_on: '1990-01-01', applied_on: '2022-01-01' })).json;
    const users = ['zhongke', 'xita', 'admin', 'zhongke', 'xita', 'admin'];
    const days = ['2022-02-01', '2022-03-01', '2022-04-01', '2022-05-01', '2022-06-01', '2022-07-01'];
    const results = await Promise.all(users.map((u, i) =>
      as(u, 'POST', `/api/v1/members/${m.id}/stage`, { version: m.version, stage: 'activist', on: days[i] })));
    const statuses = results.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 409, 409, 409, 409, 409], results.map((r) => r.text).join('\n'));
    const winner = results.find((r) => r.status === 200).json;
    const stored = (await srv.request('GET', `/api/v1/members/${m.id}`)).json;
    assert.equal(stored.version, m.version + 1);
    assert.equal(stored.activist_on, winner.activist_on);
    const steps = (await srv.request('GET', `/api/v1/audit?entity=member&entity_id=${m.id}&action=stage`)).json.items;
    assert.equal(steps.length, 1, JSON.stringify(steps));

    // The same phone registered twice at once: one person has it.
    const p = phone();
    const made = await Promise.all(users.map((u, i) =>
      as(u, 'POST', '/api/v1/members', { name: `同号${i}`, branch_id: 4, phone: p, applied_on: '2024-01-01' })));
    assert.deepEqual(made.map((r) => r.status).sort(), [201, 409, 409, 409, 409, 409], made.map((r) => r.text).join('\n'));
    const holders = (await srv.request('GET', '/api/v1/members?limit=500')).json.items.filter((x) => x.phone === p);
    assert.equal(holders.length, 1);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});
