import OrgsPage from './OrgsPage.vue';
import OrgPage from './OrgPage.vue';
import ImportPage from './ImportPage.vue';
import MemberPage from './MemberPage.vue';

// The organisations the user may see (a tree), one organisation with its people, the
// import of a register, and one person's road to membership.
export default [
  { path: '/orgs', component: OrgsPage, meta: { auth: true, title: 'orgs.title', tab: true } },
  { path: '/orgs/:id(\\d+)', component: OrgPage, meta: { auth: true, title: 'orgs.detailTitle' } },
  { path: '/orgs/:id(\\d+)/import', component: ImportPage, meta: { auth: true, title: 'orgs.import.title' } },
  { path: '/members/:id(\\d+)', component: MemberPage, meta: { auth: true, title: 'orgs.member.title' } },
];
