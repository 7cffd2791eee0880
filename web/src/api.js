// The one way the app talks to louyu: fetch on the same origin, the session cookie,
// the CSRF token on every write, and problem+json turned into an ApiError that knows
// which field each message is about.
const state = { csrf: sessionStorage.getItem('louyu.csrf') || '' };

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.rule = this.problem.rule || null;
    // {"/title": "is required", ...}: messages by JSON pointer, for the form fields
    this.fields = Object.fromEntries((this.problem.errors || []).map((e) => [e.pointer || e.parameter || '', e.detail]));
  }
  // The message for a form field ('title' or '/title'), or ''.
  field(name) {
    return this.fields[name.startsWith('/') ? name : `/${name}`] || '';
  }
}

export function setCsrf(token) {
  state.csrf = token || '';
  if (token) sessionStorage.setItem('louyu.csrf', token);
  else sessionStorage.removeItem('louyu.csrf');
}

// Listeners told when the server says the session has ended (401).
const onSignedOut = new Set();
export function whenSignedOut(fn) {
  onSignedOut.add(fn);
  return () => onSignedOut.delete(fn);
}

export async function request(method, path, body, { raw = false } = {}) {
  const headers = { accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (method !== 'GET' && state.csrf) headers['x-csrf-token'] = state.csrf;
  let res;
  try {
    res = await fetch(`/api/v1${path}`, init);
  } catch (e) {
    throw new ApiError(0, { detail: e.message, title: 'network' });
  }
  if (raw && res.ok) return res;
  const text = res.status === 204 ? '' : await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/session') onSignedOut.forEach((fn) => fn());
    throw new ApiError(res.status, json);
  }
  return json;
}

// Sends a file as the body (an import): its bytes as they are, with their content type.
export async function upload(path, file, contentType, query) {
  const url = `/api/v1${path}${query ? `?${new URLSearchParams(clean(query))}` : ''}`;
  const headers = { accept: 'application/json', 'content-type': contentType };
  if (state.csrf) headers['x-csrf-token'] = state.csrf;
  let res;
  try {
    res = await fetch(url, { method: 'POST', headers, body: file, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, { detail: e.message, title: 'network' });
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

export const get = (path, query) => request('GET', query ? `${path}?${new URLSearchParams(clean(query))}` : path);
export const post = (path, body = {}) => request('POST', path, body);
export const patch = (path, body) => request('PATCH', path, body);
export const del = (path) => request('DELETE', path);

// Every page of a collection ({items, next}), up to 'max' items.
export async function all(path, query = {}, max = 2000) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(path, { ...query, limit: 500, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.next;
  } while (cursor && items.length < max);
  return items;
}

function clean(query) {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}
