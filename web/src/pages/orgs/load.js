// The organisations the user may see and the partnerships among them, read once per page.
import { all } from '../../api.js';
import { hasRole } from '../../session.js';

// Whether the user holds a role that reads organisations at all (a station manager alone does not).
export const readsOrgs = () => hasRole('admin', 'committee_admin', 'branch_secretary', 'member');

export async function loadOrgs() {
  const [orgs, partnerships] = await Promise.all([
    all('/orgs', {}, 100000),
    all('/partnerships', {}, 100000).catch((e) => {
      if (e.status === 403) return [];
      throw e;
    }),
  ]);
  return { orgs, partnerships, byId: new Map(orgs.map((o) => [o.id, o])) };
}
