// Shared helpers of the abuse tests: the sizes of the short and long runs, a probe
// client on another loopback address that measures how fast an honest user is served
// while an attack runs, the server's memory from /proc, raw sockets, and the figures
// each test reports (printed, and appended to $ABUSE_REPORT as JSON lines).
import http from 'node:http';
import net from 'node:net';
import { appendFileSync, readFileSync } from 'node:fs';

export { startServer, assertStopsCleanly } from '../api/lib.mjs';

// tests/abuse/run --long sets ABUSE_LONG=1: the numbers. The short run (make
// test) keeps every check with fewer connections and a shorter header timeout.
export const LONG = process.env.ABUSE_LONG === '1';
export const SIZES = LONG
  ? { slowloris: 1000, keepalive: 10000, headerTimeout: 10, requestTimeout: 20, signins: 1000, hugeArrays: 16 }
  : { slowloris: 300, keepalive: 2000, headerTimeout: 2, requestTimeout: 4, signins: 200, hugeArrays: 6 };

// An honest client's answers must come within this, during every attack (the issue's
// bound: generous, never a measure of speed).
export const PROBE_LIMIT_MS = 1000;
// The honest client's address; attackers use 127.0.0.1 and 127.0.1.x / 127.0.2.x.
export const PROBE_ADDRESS = '127.0.0.2';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Prints a test's figures and keeps them for the report.
export function report(t, name, figures) {
  const line = JSON.stringify({ test: name, long: LONG, ...figures });
  t.diagnostic(line);
  if (process.env.ABUSE_REPORT) appendFileSync(process.env.ABUSE_REPORT, line + '\n');
}

// The server's resident memory now and at its peak, in MiB.
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)[1]);
  return { rss_mib: +(kib('VmRSS') / 1024).toFixed(1), hwm_mib: +(kib('VmHWM') / 1024).toFixed(1) };
}

// One GET on a fresh connection from 'from': { status, ms } (status 0: no answer within 5 s).
export function get(port, path, from = PROBE_ADDRESS, headers = {}) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, localAddress: from, agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, at: t0, ms: performance.now() - t0, body }));
    });
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, at: t0, ms: performance.now() - t0, body: '' }));
  });
}

// A POST of a body on a fresh connection from 'from': { status, ms, body }.
export function post(port, path, body, from = PROBE_ADDRESS, headers = {}) {
  const data = Buffer.from(body);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.request({
      host: '127.0.0.1', port, path, method: 'POST', localAddress: from, agent: false,
      headers: { 'content-type': 'application/json', 'content-length': data.length, ...headers },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, at: t0, ms: performance.now() - t0, body: text }));
    });
    req.setTimeout(30000, () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0, body: '' }));
    req.end(data);
  });
}

// Latency figures of a list of probe results.
export function stats(results) {
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const at = (q) => (ms.length ? +ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(1) : null);
  return {
    probes: results.length,
    failed: results.filter((r) => r.status !== 200).length,
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    max_ms: ms.length ? +ms[ms.length - 1].toFixed(1) : null,
  };
}

// The honest user: every 'every' ms, /healthz then a real read of the API (the stations,
// from the database), each on a fresh connection from 127.0.0.2, until stop().
export function startProbe(port, every = 250) {
  const results = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const path of ['/healthz', '/api/v1/stations']) results.push({ path, ...(await get(port, path)) });
      await sleep(every);
    }
  })();
  return {
    results,
    async stop() {
      running = false;
      await loop;
      return results;
    },
  };
}

// Probes for 'ms' with nothing else going on: the normal latency to compare with.
export async function baseline(port, ms = 2000) {
  const p = startProbe(port);
  await sleep(ms);
  return stats(await p.stop());
}

// Asserts that every probe was answered 200 within PROBE_LIMIT_MS.
export function slowProbes(results) {
  return results
    .filter((r) => r.status !== 200 || r.ms > PROBE_LIMIT_MS)
    .map((r) => `${r.path}: ${r.status || 'no answer'} in ${r.ms.toFixed(0)} ms`);
}

// Opens a TCP connection from 'from' and resolves once it is established (or refused).
export function connect(port, from) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1', localAddress: from });
    sock.setNoDelay(true);
    sock.openedAt = performance.now();
    sock.closedAt = null;
    sock.received = '';
    sock.on('data', (d) => { sock.received += d; });
    sock.on('error', () => {});
    sock.on('close', () => { sock.closedAt = performance.now(); });
    sock.once('connect', () => resolve(sock));
    sock.once('error', () => resolve(sock));
  });
}

// Opens 'n' connections from 'from' with at most 'parallel' handshakes at a time.
export async function connectMany(port, n, from, parallel = 200) {
  const out = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = Array.from({ length: Math.min(parallel, n - i) }, () => connect(port, from));
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

// Sends raw bytes on a fresh connection and resolves with what came back and whether
// the server closed the connection (within 'ms').
export function raw(port, bytes, ms = 3000) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    let data = Buffer.alloc(0);
    let closed = false;
    const finish = () => { clearTimeout(timer); sock.destroy(); resolve({ text: data.toString('latin1'), closed }); };
    const timer = setTimeout(finish, ms);
    sock.on('data', (d) => { data = Buffer.concat([data, d]); });
    sock.on('error', () => {});
    sock.on('close', () => { closed = true; finish(); });
    sock.write(bytes, () => {});
  });
}

// The status codes of the responses in a raw answer, in order.
export function statuses(text) {
  return [...text.matchAll(/HTTP\/1\.[01] (\d{3}) /g)].map((m) => Number(m[1]));
}
