// Names of the organisations, stations and rooms that activities refer to by id, fetched
// once and shared by every page. Stations and rooms are public; organisations only for
// those who may read them (others see "organisation #id").
import { reactive } from 'vue';
import { all } from '../../api.js';
import { session, hasRole } from '../../session.js';

export const names = reactive({ orgs: {}, stations: {}, rooms: {} });

let places = null;
export function loadPlaces() {
  if (!places) {
    places = Promise.all([all('/stations'), all('/rooms')])
      .then(([stations, rooms]) => {
        stations.forEach((s) => { names.stations[s.id] = s; });
        rooms.forEach((r) => { names.rooms[r.id] = r; });
      })
      .catch(() => { places = null; });
  }
  return places;
}

let orgsOf;
let orgs = null;
export function loadOrgs() {
  const who = session.user?.id || null;
  if (orgsOf !== who || !orgs) {
    orgsOf = who;
    names.orgs = {};
    // Only these roles may list organisations (a station manager alone may not).
    const readers = hasRole('admin', 'committee_admin', 'branch_secretary', 'member');
    orgs = !who || !readers ? Promise.resolve()
      : all('/orgs').then((list) => list.forEach((o) => { names.orgs[o.id] = o; })).catch(() => {});
  }
  return orgs;
}

export const loadNames = () => Promise.all([loadPlaces(), loadOrgs()]);

// Whether the organisation's name is known (those not signed in know none).
export const orgKnown = (id) => !!names.orgs[id];
export function orgName(id, t) {
  if (!id) return '';
  return names.orgs[id]?.name || t('activities.orgN', { id });
}
export function placeName(a) {
  const st = names.stations[a.station_id]?.name;
  const room = names.rooms[a.room_id]?.name;
  return [st, room].filter(Boolean).join(' · ');
}
