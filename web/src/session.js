// Who is signed in, for every page: the user, their grants and what they may do.
import { reactive } from 'vue';
import { ApiError, get, post, patch, request, setCsrf, whenSignedOut } from './api.js';

export const session = reactive({ user: null, loaded: false });

function take(answer) {
  setCsrf(answer.csrf_token);
  session.user = answer.user;
  return answer.user;
}

// Reads the current session (the cookie) once, however many ask: the router's first
// navigation and the app's start both wait for it.
let first = null;
export function sessionReady() {
  if (!first) first = loadSession();
  return first;
}

// Reads the current session (the cookie); null when nobody is signed in.
export async function loadSession() {
  try {
    take(await get('/session'));
  } catch {
    session.user = null;
    setCsrf('');
  }
  session.loaded = true;
  return session.user;
}

// The server checks only a few passwords at once and asks the others to come back in a
// second (503): a sign-in tries again a few times before it gives up.
export async function signIn(username, password) {
  for (let attempt = 1; ; attempt++) {
    try {
      return take(await post('/session', { username, password }));
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 503 || attempt >= 5) throw e;
      await new Promise((resolve) => setTimeout(resolve, 700 + Math.random() * 600));
    }
  }
}

export async function signOut() {
  try {
    await request('DELETE', '/session');
  } finally {
    session.user = null;
    setCsrf('');
  }
}

export async function saveLocale(locale) {
  if (session.user) take(await patch('/session', { locale }));
}

whenSignedOut(() => {
  session.user = null;
  setCsrf('');
});

// The roles the user holds, and the organisations and stations they are bound to.
export function roles() {
  return new Set((session.user?.grants || []).map((g) => g.role));
}
export const hasRole = (...names) => names.some((n) => roles().has(n));
export const isAdmin = () => hasRole('admin');
export const isStaff = () => hasRole('admin', 'committee_admin', 'station_manager', 'branch_secretary');
export const grantOrgs = (...names) => (session.user?.grants || []).filter((g) => names.includes(g.role) && g.org_id).map((g) => g.org_id);
export const grantStations = () => (session.user?.grants || []).filter((g) => g.station_id).map((g) => g.station_id);
