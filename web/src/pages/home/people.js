// How many people an organisation's subtree holds, members and those on the road to
// membership. There is no count in the API: the register is read, and every person a
// manager reads is a `view` in the audit log, so the count is kept in this tab for a
// while rather than read again at every visit of the home page.
import { all } from '../../api.js';

const KEEP_MS = 10 * 60 * 1000;
const key = (userId, orgId) => `louyu.home.people.${userId}.${orgId}`;

export async function countPeople(userId, orgId) {
  try {
    const kept = JSON.parse(sessionStorage.getItem(key(userId, orgId)) || 'null');
    if (kept && Date.now() - kept.at < KEEP_MS) return kept.counts;
  } catch {
    /* read again */
  }
  const people = await all('/members', { within: orgId }, 100000);
  const counts = { members: 0, road: 0 };
  for (const p of people) {
    if (p.stage === 'probationary' || p.stage === 'full_member') counts.members += 1;
    else if (['applicant', 'activist', 'development_target'].includes(p.stage)) counts.road += 1;
  }
  sessionStorage.setItem(key(userId, orgId), JSON.stringify({ at: Date.now(), counts }));
  return counts;
}

// After an import the counts are stale.
export function forgetCounts() {
  for (let i = sessionStorage.length - 1; i >= 0; i -= 1) {
    const k = sessionStorage.key(i);
    if (k && k.startsWith('louyu.home.people.')) sessionStorage.removeItem(k);
  }
}
