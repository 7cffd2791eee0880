// What the signed-in user may do with a station's calendar, as the API's rules say
// (docs/openapi.yaml, "Who may do what"): the organisations they may book for, whether
// they run a station (approve, reject), whether they may change a booking. Only to show
// the right buttons: the server decides anyway.
import { all } from '../../api.js';
import { session, isAdmin, grantOrgs, hasRole } from '../../session.js';

let cache = { user: null, promise: null };

// The organisations the user may read (with their paths) and the partnerships they see,
// once per signed-in user: {orgs: Map(id → org), partnerships: [...]}.
export function loadAccess() {
  const user = session.user?.id || null;
  // only the roles bound to organisations read them (a station manager alone does not)
  if (!user || !hasRole('admin', 'committee_admin', 'branch_secretary', 'member')) return Promise.resolve({ orgs: new Map(), partnerships: [] });
  if (cache.user !== user || !cache.promise) {
    const quiet = (p) => p.catch((e) => (e.status === 403 ? [] : Promise.reject(e)));
    cache = {
      user,
      promise: Promise.all([quiet(all('/orgs')), quiet(all('/partnerships'))])
        .then(([orgs, partnerships]) => ({ orgs: new Map(orgs.map((o) => [o.id, o])), partnerships }))
        .catch((e) => {
          cache = { user: null, promise: null };
          throw e;
        }),
    };
  }
  return cache.promise;
}

const within = (org, roots) => !!org && roots.some((g) => org.path.includes(`/${g}/`));

// The ids of the organisations the user may book for through their organisation grants
// (admin: all they read; committee_admin and branch_secretary: their subtrees and the
// co-building partners linked to committees there).
export function bookableOrgIds(access) {
  if (!session.user) return new Set();
  if (isAdmin()) return new Set(access.orgs.keys());
  const roots = grantOrgs('committee_admin', 'branch_secretary');
  const ids = new Set();
  for (const o of access.orgs.values()) if (within(o, roots)) ids.add(o.id);
  for (const p of access.partnerships) if (within(access.orgs.get(p.committee_id), roots)) ids.add(p.partner_id);
  return ids;
}

export function isStationManager(stationId) {
  return (session.user?.grants || []).some((g) => g.role === 'station_manager' && g.station_id === stationId);
}

// One of the station's managers: an admin, its station_manager, a committee_admin of the
// organisation that runs it.
export function managesStation(access, station) {
  if (!session.user || !station) return false;
  if (isAdmin() || isStationManager(station.id)) return true;
  return station.org_id != null && within(access.orgs.get(station.org_id), grantOrgs('committee_admin'));
}

// May book at this station at all (for some organisation).
export function mayBookAt(access, station) {
  return !!session.user && (isAdmin() || isStationManager(station.id) || bookableOrgIds(access).size > 0);
}

// May change, cancel, accept, decline or check in this booking.
export function mayChangeBooking(access, booking) {
  if (!session.user) return false;
  return isAdmin() || isStationManager(booking.station_id) || bookableOrgIds(access).has(booking.org_id);
}

// The name of an organisation: as the user reads it, as the booking tells it, or its number.
export function orgLabel(access, id, t, known) {
  return access?.orgs.get(id)?.name || known || t('calendar.orgNo', { id });
}

// Whether the user holds a role that reads bookings at all (the list answers 403 otherwise).
export const readsBookings = () => (session.user?.grants || []).length > 0;

export const ACTIVE = ['offered', 'pending', 'confirmed'];
export const OPEN = ['waiting', 'offered', 'pending', 'confirmed'];
