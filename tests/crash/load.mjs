// The write load of the crash and backup tests: concurrent clients, each on a keep-alive
// connection of its own, booking rooms (many refused with 409 overlap: counted), cancelling
// bookings, signing guests up for activities and cancelling sign-ups, checking people in
// at the desk and undoing check-ins. Every answer is recorded in the ledger (check.mjs):
// a 2xx with what it wrote, a 4xx as nothing written, anything else (a lost connection,
// a 5xx) as a write in doubt.
import http from 'node:http';

const MIN = 60;
const DAY = 86400;
const ROUND_THE_CLOCK = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '00:00', close: '24:00' }));
const ROOMY = {
  max_hours_per_month: 744, vip_max_hours_per_month: 744,
  max_open_bookings: 1000, vip_max_open_bookings: 1000,
};
// The demo's stations and rooms (src/domain/demo.c): station 1 (org 3) has rooms 1-3,
// station 2 (org 6) rooms 4-6.
const ROOMS = [{ room: 1, org: 3 }, { room: 2, org: 3 }, { room: 3, org: 3 }, { room: 4, org: 6 }, { room: 5, org: 6 }, { room: 6, org: 6 }];

// Numbers the titles, guests' names and phones of this process, so that no two collide.
let serial = 0;

const pad = (n) => String(n).padStart(2, '0');
// RFC 3339 in +08:00 of an epoch second.
export function rfc3339(s) {
  const d = new Date((s + 8 * 3600) * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00+08:00`;
}

// One HTTP client on one keep-alive connection; a request unanswered in 30 s fails.
export function client(url, token) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(url);
  const request = (method, path, body) => new Promise((resolve) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    if (data) Object.assign(headers, { 'content-type': 'application/json', 'content-length': data.length });
    const req = http.request({ host: hostname, port, method, path, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
        resolve({ status: res.statusCode, json, text });
      });
      res.on('error', (e) => resolve({ status: 0, error: e.message }));
    });
    req.setTimeout(30000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (e) => resolve({ status: 0, error: e.message }));
    req.end(data || undefined);
  });
  return { request, close: () => agent.destroy() };
}

async function must(c, method, path, body, want) {
  const r = await c.request(method, path, body);
  if (r.status !== want) throw new Error(`${method} ${path}: ${r.status} ${r.text || r.error}`);
  return r.json;
}

export async function signIn(url, username = 'admin', password = 'louyu-demo') {
  const r = await client(url).request('POST', '/api/v1/session', { username, password });
  if (r.status !== 200) throw new Error(`sign-in as ${username}: ${r.status} ${r.text || r.error}`);
  return r.json.token;
}

// Prepares a fresh demo database for the load, through the API as the admin: both
// stations open round the clock with quotas out of the way, and activities that run from
// a few minutes from now (their desk check-in is open) for six hours, with few places so
// that sign-ups queue; one is volunteer service, so that volunteer minutes add up too.
// Returns the world the load works in.
export async function prepare(url, token) {
  const c = client(url, token);
  for (const id of [1, 2]) {
    const st = await must(c, 'GET', `/api/v1/stations/${id}`, undefined, 200);
    await must(c, 'PATCH', `/api/v1/stations/${id}`, { version: st.version, opening_hours: ROUND_THE_CLOCK, booking_rules: { ...st.booking_rules, ...ROOMY } }, 200);
  }
  const start = Math.ceil(Date.now() / 1000 / 60) * 60 + 5 * MIN;
  const activities = [];
  const kinds = [['study', 1, 30], ['volunteer_service', 3, 20], ['other', 4, 15]];
  for (const [kind, room, capacity] of kinds) {
    const a = await must(c, 'POST', '/api/v1/activities', {
      title: `崩溃测试活动 ${kind}`, kind, host_org_id: room < 4 ? 3 : 6, room_id: room,
      start: rfc3339(start), end: rfc3339(start + 360 * MIN), capacity, audience: 'anyone', walk_ins: true, publish: true,
    }, 201);
    activities.push(a.id);
  }
  c.close();
  return { activities, start };
}

// The load: n clients writing until stop() is called. Counts every outcome.
export function startLoad(url, token, world, ledger, { clients = 8 } = {}) {
  const stats = { sent: 0, ok: 0, refused: 0, overlap: 0, unavailable: 0, lost: 0, other5xx: 0, byOp: {} };
  let stopping = false;
  const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
  const now = () => Math.floor(Date.now() / 1000);

  // Records an answer: 2xx, 4xx (nothing written), or a write in doubt.
  function tally(op, r) {
    stats.sent++;
    const o = (stats.byOp[op] ||= { ok: 0, refused: 0, doubt: 0 });
    if (r.status >= 200 && r.status < 300) { stats.ok++; o.ok++; return 'ok'; }
    if (r.status >= 400 && r.status < 500) {
      stats.refused++; o.refused++;
      if (r.json && r.json.rule === 'overlap') stats.overlap++;
      return 'refused';
    }
    o.doubt++;
    if (r.status === 503) stats.unavailable++;
    else if (r.status === 0) stats.lost++;
    else stats.other5xx++;
    return 'doubt';
  }

  // Changes a settled record: the write is in doubt until its answer settles it.
  async function change(c, op, kind, rec, state, method, path, body) {
    const w = ledger.sent(kind, rec.id, state);
    const r = await c.request(method, path, body);
    const t = tally(op, r);
    if (t === 'ok') {
      ledger.acked(w);
      rec.version = r.json.version;
    }
    else if (t === 'refused') ledger.refused(kind, rec.id, w);
    return r;
  }

  const ops = [
    [30, async function book(c) {
      const { room, org } = pick(ROOMS);
      const start = (Math.floor(now() / 1800) + 48 + Math.floor(Math.random() * 60 * 48)) * 1800;
      const r = await c.request('POST', '/api/v1/bookings', {
        room_id: room, org_id: org, start: rfc3339(start), end: rfc3339(start + (1 + Math.floor(Math.random() * 6)) * 1800),
        title: `崩溃测试 ${++serial}`, attendance: 3,
      });
      if (tally('book', r) === 'ok') ledger.created('booking', r.json.id, r.json.status, { version: r.json.version });
    }],
    [8, async function cancelBooking(c) {
      const b = pick(ledger.settled('booking', ['confirmed', 'pending']));
      if (b) await change(c, 'cancel booking', 'booking', b, 'cancelled', 'POST', `/api/v1/bookings/${b.id}/cancel`, { version: b.version });
    }],
    [25, async function signUp(c) {
      const n = ++serial;
      const r = await c.request('POST', '/api/v1/registrations', { activity_id: pick(world.activities), name: `来宾${n}`, phone: `139${String(n).padStart(8, '0')}` });
      if (tally('sign up', r) === 'ok') ledger.created('registration', r.json.id, r.json.status, { version: r.json.version, activity: r.json.activity_id });
    }],
    [8, async function cancelSignUp(c) {
      const s = pick(ledger.settled('registration', ['registered', 'waiting']));
      if (s) await change(c, 'cancel sign-up', 'registration', s, 'cancelled', 'POST', `/api/v1/registrations/${s.id}/cancel`, { version: s.version });
    }],
    [12, async function checkInSignUp(c) {
      const s = pick(ledger.settled('registration', ['registered']).filter((x) => !x.checkedIn));
      if (!s) return;
      s.checkedIn = true;
      const r = await c.request('POST', '/api/v1/checkins', { activity_id: s.activity, registration_id: s.id });
      if (tally('check in', r) === 'ok') ledger.created('checkin', r.json.id, 'live');
    }],
    [7, async function walkIn(c) {
      const r = await c.request('POST', '/api/v1/checkins', { activity_id: pick(world.activities), guest_name: `散客${++serial}` });
      if (tally('walk in', r) === 'ok') ledger.created('checkin', r.json.id, 'live');
    }],
    [6, async function undo(c) {
      const k = pick(ledger.settled('checkin', ['live']));
      if (k) await change(c, 'undo check-in', 'checkin', k, 'undone', 'POST', `/api/v1/checkins/${k.id}/undo`);
    }],
  ];
  const total = ops.reduce((s, [w]) => s + w, 0);
  const choose = () => {
    let x = Math.random() * total;
    for (const [w, fn] of ops) if ((x -= w) < 0) return fn;
    return ops[0][1];
  };

  const loops = Array.from({ length: clients }, async () => {
    const c = client(url, token);
    try {
      while (!stopping) await choose()(c);
    } finally {
      c.close();
    }
  });
  return {
    stats,
    async stop() {
      stopping = true;
      await Promise.all(loops);
    },
  };
}
