// What the organisation pages share: paths, who manages what, the road's stages and
// days of the calendar as people read them.
import { isAdmin, grantOrgs } from '../../session.js';
import { fmtDate } from '../../format.js';

// "/1/2/3/" → [1, 2, 3]
export const pathIds = (path) => String(path || '').split('/').filter(Boolean).map(Number);

// The road to membership, in order, with the day field of each stage.
export const ROAD = [
  { stage: 'applicant', field: 'applied_on' },
  { stage: 'activist', field: 'activist_on' },
  { stage: 'development_target', field: 'target_on' },
  { stage: 'probationary', field: 'admitted_on' },
  { stage: 'full_member', field: 'full_on' },
];
export const STAGES = [...ROAD.map((s) => s.stage), 'transferred_out', 'deceased'];
export const KINDS = ['district_department', 'joint_committee', 'building_committee', 'general_branch', 'branch',
  'party_group', 'partner', 'tenant_company'];
export const MEMBER_KINDS = ['regular', 'mobile', 'partner_vip'];
export const COMMITTEE_KINDS = ['district_department', 'joint_committee', 'building_committee', 'general_branch'];

// Whether the user manages the people of an organisation (so may import them): an
// admin; a committee admin or branch secretary over it, or over a committee that a
// partnership links it to. Only for showing what they can do: the server decides.
export function managesOrg(org, orgsById, partnerships) {
  if (!org) return false;
  if (isAdmin()) return true;
  const mine = grantOrgs('committee_admin', 'branch_secretary');
  if (!mine.length) return false;
  const within = (o) => !!o && pathIds(o.path).some((id) => mine.includes(id));
  if (within(org)) return true;
  const ids = pathIds(org.path);
  return (partnerships || []).some((p) => ids.includes(p.partner_id) && within(orgsById.get(p.committee_id)));
}

// A day of the calendar ("2019-01-05") in the app's language; a masked one ("1990-**-**")
// as the server gave it.
export function fmtDay(day, opts = {}) {
  if (!day) return '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return day;
  return fmtDate(`${day}T00:00:00`, { weekday: undefined, ...opts });
}

// Today as "YYYY-MM-DD" (local), and a day plus some months.
export function isoDay(d = new Date()) {
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
export function addMonths(day, n) {
  const d = new Date(`${day}T00:00:00`);
  d.setMonth(d.getMonth() + n);
  return isoDay(d);
}

// Whole years from a day to today.
export function yearsSince(day) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day || '')) return null;
  const [y, m, d] = day.split('-').map(Number);
  const now = new Date();
  let years = now.getFullYear() - y;
  if (now.getMonth() + 1 < m || (now.getMonth() + 1 === m && now.getDate() < d)) years -= 1;
  return Math.max(0, years);
}

// The tree of the organisations one may see: those whose parent is out of sight are roots.
export function buildTree(orgs) {
  const byId = new Map(orgs.map((o) => [o.id, o]));
  const children = new Map();
  const roots = [];
  for (const o of orgs) {
    if (o.parent_id && byId.has(o.parent_id)) {
      if (!children.has(o.parent_id)) children.set(o.parent_id, []);
      children.get(o.parent_id).push(o);
    } else roots.push(o);
  }
  // the district's own tree first, then the partners
  roots.sort((a, b) => (a.managed === b.managed ? a.id - b.id : a.managed === 'partner' ? 1 : -1));
  return { byId, children, roots };
}
