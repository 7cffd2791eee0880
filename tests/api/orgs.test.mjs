// The organisation tree: creating, moving a subtree, refusing cycles, subtree
// listings and search; partnerships; and `louyu user` on the command line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freshDb, louyu, signIn, DEMO_PASSWORD, assertStopsCleanly } from './lib.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(() => assertStopsCleanly(srv));

const create = async (body) => {
  const r = await srv.request('POST', '/api/v1/orgs', body);
  assert.equal(r.status, 201, r.text);
  return r.json;
};
const get = async (id) => (await srv.request('GET', `/api/v1/orgs/${id}`)).json;

test('the demo tree: paths from the root, partners outside it', async () => {
  const west = await get(3);
  assert.equal(west.name, '西塔楼宇党委');
  assert.equal(west.path, '/1/2/3/');
  assert.equal((await get(4)).path, '/1/2/3/4/');
  const partner = await get(5);
  assert.equal(partner.managed, 'partner');
  assert.equal(partner.parent_id, null);
  const rf = await srv.request('GET', '/api/v1/orgs?parent_id=6');
  assert.equal(rf.json.items.length, 7, 'R&F committee has seven tower branches');
  const stations = (await srv.request('GET', '/api/v1/stations')).json.items;
  assert.deepEqual(stations.map((s) => s.org_id), [3, 6]);
});

test('moving a subtree rewrites every path below it; a cycle is refused', async () => {
  const a = await create({ name: '甲', kind: 'general_branch', parent_id: 3 });
  const b = await create({ name: '乙', kind: 'branch', parent_id: a.id });
  const c = await create({ name: '丙', kind: 'party_group', parent_id: b.id });
  assert.equal(c.path, `/1/2/3/${a.id}/${b.id}/${c.id}/`);

  const moved = await srv.request('PATCH', `/api/v1/orgs/${a.id}`, { version: a.version, parent_id: 6 });
  assert.equal(moved.status, 200, moved.text);
  assert.equal(moved.json.path, `/1/2/6/${a.id}/`);
  assert.equal((await get(b.id)).path, `/1/2/6/${a.id}/${b.id}/`);
  assert.equal((await get(c.id)).path, `/1/2/6/${a.id}/${b.id}/${c.id}/`);
  // The old place no longer lists it; the new one does, all the way down.
  const under3 = (await srv.request('GET', '/api/v1/orgs?within=3&limit=500')).json.items.map((o) => o.id);
  assert.ok(!under3.includes(a.id) && !under3.includes(c.id));
  const under6 = (await srv.request('GET', '/api/v1/orgs?within=6&limit=500')).json.items.map((o) => o.id);
  assert.ok(under6.includes(a.id) && under6.includes(b.id) && under6.includes(c.id));

  // Under itself, or under its own descendant: refused, nothing changes.
  const now = await get(a.id);
  for (const parent of [a.id, c.id]) {
    const r = await srv.request('PATCH', `/api/v1/orgs/${a.id}`, { version: now.version, parent_id: parent });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.errors[0].pointer, '/parent_id');
  }
  assert.equal((await get(a.id)).path, now.path);
  assert.equal((await get(c.id)).path, `/1/2/6/${a.id}/${b.id}/${c.id}/`);

  // An organisation with children cannot be deleted; a leaf can.
  assert.equal((await srv.request('DELETE', `/api/v1/orgs/${a.id}`)).status, 409);
  assert.equal((await srv.request('DELETE', `/api/v1/orgs/${c.id}`)).status, 204);
});

test('search by name, filter by kind and building', async () => {
  const q = await srv.request('GET', `/api/v1/orgs?q=${encodeURIComponent('富力')}&limit=500`);
  assert.equal(q.json.items.length, 7, "the R&F committee and six of its branches");
  assert.ok(q.json.items.every((o) => o.name.includes('富力')));
  const branches = await srv.request('GET', '/api/v1/orgs?kind=branch&building_id=4');
  assert.deepEqual(branches.json.items.map((o) => o.name), ['富力盈凯大厦党支部']);
  assert.equal((await srv.request('GET', '/api/v1/orgs?kind=club')).status, 400);
});

test('a committee admin creates below its committee only; a partnership links a partner', async () => {
  const xita = await startServer({ db: srv.db, as: 'xita' });
  try {
    const inside = await xita.request('POST', '/api/v1/orgs', { name: '西塔新支部', kind: 'branch', parent_id: 3 });
    assert.equal(inside.status, 201, inside.text);
    const outside = await xita.request('POST', '/api/v1/orgs', { name: '越界支部', kind: 'branch', parent_id: 6 });
    assert.equal(outside.status, 403, outside.text);
    const root = await xita.request('POST', '/api/v1/orgs', { name: '新根', kind: 'joint_committee' });
    assert.equal(root.status, 403, root.text);
    const partner = await xita.request('POST', '/api/v1/orgs', { name: '共建单位乙', kind: 'partner', managed: 'partner' });
    assert.equal(partner.status, 403, 'a root, even a partner, is the admin\'s to create');
    const p = await create({ name: '共建单位乙', kind: 'partner', managed: 'partner' });
    assert.equal((await xita.request('GET', `/api/v1/orgs/${p.id}`)).status, 404);
    // Only an admin links a partner to a committee; the committee's admin then reaches it.
    assert.equal((await xita.request('POST', '/api/v1/partnerships', { partner_id: p.id, committee_id: 3 })).status, 403);
    const link = await srv.request('POST', '/api/v1/partnerships', { partner_id: p.id, committee_id: 3 });
    assert.equal(link.status, 201, link.text);
    assert.equal((await xita.request('GET', `/api/v1/orgs/${p.id}`)).status, 200, 'a linked partner is within reach');
    assert.equal((await srv.request('POST', '/api/v1/partnerships', { partner_id: p.id, committee_id: 3 })).status, 409);
  } finally {
    assert.equal((await xita.stop()).code, 0);
  }
});

test('louyu user: add, grant, list, revoke, passwd; the new user signs in', async () => {
  const fresh = freshDb();
  try {
    const env = { ...process.env, LOUYU_PASSWORD: 'correct horse' };
    const add = louyu(['user', 'add', 'wang', '--role', 'branch_secretary', '--org', '4', '--name', '王书记', '--db', fresh.db], { env });
    assert.equal(add.status, 0, add.stderr);
    assert.equal(louyu(['user', 'grant', 'wang', '--role', 'station_manager', '--station', '1', '--db', fresh.db]).status, 0);
    const list = louyu(['user', 'list', '--db', fresh.db]);
    assert.match(list.stdout, /wang\s+branch_secretary@org:4 station_manager@station:1/);
    const dup = louyu(['user', 'grant', 'wang', '--role', 'station_manager', '--station', '1', '--db', fresh.db]);
    assert.equal(dup.status, 1);
    assert.match(dup.stderr, /already holds/);
    assert.equal(louyu(['user', 'revoke', 'wang', '--role', 'station_manager', '--station', '1', '--db', fresh.db]).status, 0);
    assert.doesNotMatch(louyu(['user', 'list', '--db', fresh.db]).stdout, /wang.*station_manager/);
    const weak = louyu(['user', 'passwd', 'wang', '--db', fresh.db], { env: { ...process.env, LOUYU_PASSWORD: 'short' } });
    assert.equal(weak.status, 1);
    assert.match(weak.stderr, /at least 8 characters/);
    const piped = louyu(['user', 'passwd', 'wang', '--db', fresh.db], { input: 'from standard input\n', env: { ...process.env, LOUYU_PASSWORD: '' } });
    assert.equal(piped.status, 0, piped.stderr);
    assert.equal(louyu(['user', 'add', 'x', '--role', 'wizard', '--db', fresh.db], { env }).status, 2);
    assert.equal(louyu(['user', 'frobnicate', '--db', fresh.db]).status, 2);
    assert.equal(louyu(['user', 'add', '--db', fresh.db]).status, 2);
    const s = await startServer({ db: fresh.db, as: null });
    try {
      const session = await signIn(s.url, 'wang', 'from standard input');
      assert.deepEqual(session.user.grants, [{ role: 'branch_secretary', org_id: 4, station_id: null }]);
      assert.equal(session.user.display_name, '王书记');
      await assert.rejects(signIn(s.url, 'wang', 'correct horse'));
      await assert.rejects(signIn(s.url, 'admin', 'wrong-' + DEMO_PASSWORD));
    } finally {
      assert.equal((await s.stop()).code, 0);
    }
  } finally {
    fresh.cleanup();
  }
});

test('moving a record out of reach takes the right to create it there', async () => {
  const xita = await startServer({ db: srv.db, as: 'xita' });
  const manager = await startServer({ db: srv.db, as: 'xita_station' });
  try {
    const branch = await create({ name: '可移动支部', kind: 'branch', parent_id: 3 });
    // xita edits its branch, but cannot hand it to the R&F committee (another subtree).
    const rename = await xita.request('PATCH', `/api/v1/orgs/${branch.id}`, { version: 1, contact_name: '张' });
    assert.equal(rename.status, 200, rename.text);
    const away = await xita.request('PATCH', `/api/v1/orgs/${branch.id}`, { version: 2, parent_id: 6 });
    assert.equal(away.status, 403, away.text);
    assert.equal((await get(branch.id)).parent_id, 3);
    // A station manager edits the station but cannot give it to another organisation.
    const station = (await manager.request('GET', '/api/v1/stations/1')).json;
    const edit = await manager.request('PATCH', '/api/v1/stations/1', { version: station.version, contact_phone: '020-1234' });
    assert.equal(edit.status, 200, edit.text);
    const give = await manager.request('PATCH', '/api/v1/stations/1', { version: edit.json.version, org_id: 6 });
    assert.equal(give.status, 403, give.text);
    // A room stays in its station for everyone (its bookings are the station's).
    const room = (await manager.request('GET', '/api/v1/rooms/1')).json;
    const moveRoom = await manager.request('PATCH', '/api/v1/rooms/1', { version: room.version, station_id: 2 });
    assert.equal(moveRoom.status, 400, moveRoom.text);
  } finally {
    assert.equal((await xita.stop()).code, 0);
    assert.equal((await manager.stop()).code, 0);
  }
});
