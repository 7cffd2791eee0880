// A flood of failed sign-ins from one address (password spraying over many usernames).
// The server checks only as many passwords at once as it has seats (one per two cores,
// never every worker thread) and tells the rest to come back in a second (503); after 20
// failures the address gets 429 without a password being checked. Throughout, the server
// keeps answering others within 1 s, and a user on another address signs in.
//
// Two floods: an impatient one that sends again at once whatever it is told, and a
// patient one that honours Retry-After, and so reaches the limit of 20.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIZES, startServer, assertStopsCleanly, post, startProbe, baseline, stats, slowProbes, report } from './lib.mjs';

const PARALLEL = 8;
const MAX_PER_ADDRESS = 20; // domain/session.h: SIGNIN_MAX_PER_ADDRESS

// Sends 'total' failed sign-ins from 127.0.0.1, PARALLEL at a time; a patient client
// waits a second after each 503. Resolves with the statuses and when the last password
// check was answered.
async function flood(port, total, patient, tag) {
  const codes = [];
  let next = 0;
  let lastChecked = 0;
  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (next < total) {
      const i = next++;
      const r = await post(port, '/api/v1/session',
        JSON.stringify({ username: `spray-${tag}-${i}`, password: `wrong-password-${i}` }), '127.0.0.1');
      codes.push(r.status);
      if (r.status === 401) lastChecked = Math.max(lastChecked, r.at + r.ms);
      if (r.status === 503 && patient) await new Promise((res) => setTimeout(res, 1000));
    }
  }));
  const count = (c) => codes.filter((x) => x === c).length;
  return { codes, count, lastChecked };
}

test(`${SIZES.signins} failed sign-ins from one address: seats, then 429 after ${MAX_PER_ADDRESS}; others served throughout`, async (t) => {
  const srv = await startServer({ as: null, args: ['--access-log', 'off'] });
  try {
    const before = await baseline(srv.port, 1000);
    const probe = startProbe(srv.port);
    const started = performance.now();
    const impatient = await flood(srv.port, SIZES.signins, false, 'a');
    const floodMs = performance.now() - started;
    const patient = await flood(srv.port, MAX_PER_ADDRESS + 20, true, 'b');
    const probes = await probe.stop();
    const other = await post(srv.port, '/api/v1/session', JSON.stringify({ username: 'xita', password: 'louyu-demo' }), '127.0.0.3');
    const checked = impatient.count(401) + patient.count(401);
    report(t, 'signin-flood', {
      attempts: SIZES.signins,
      parallel: PARALLEL,
      impatient: { unauthorized_401: impatient.count(401), busy_503: impatient.count(503), throttled_429: impatient.count(429) },
      patient: { unauthorized_401: patient.count(401), busy_503: patient.count(503), throttled_429: patient.count(429) },
      attempts_per_s: Math.round(SIZES.signins / (floodMs / 1000)),
      baseline: before,
      probe: stats(probes),
      other_user_signin: { status: other.status, ms: Math.round(other.ms) },
    });
    for (const f of [impatient, patient])
      assert.deepEqual(f.codes.filter((c) => ![401, 429, 503].includes(c)), [], 'answers other than 401, 429, 503');
    assert.equal(checked, MAX_PER_ADDRESS, 'passwords checked for the address');
    assert.ok(patient.count(429) > 0, 'the patient flood was never throttled');
    assert.ok(probes.length > 0);
    assert.deepEqual(slowProbes(probes), []);
    assert.equal(other.status, 200, other.body);
    assert.ok(other.ms < 1000, `the other user waited ${other.ms} ms`);
  } finally {
    await assertStopsCleanly(srv);
  }
});
