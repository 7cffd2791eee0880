// The activities: the list and one activity, the venue screen, the QR code's check-in
// page, and attendance (a member's, an organisation's, a series').
import ActivitiesPage from './ActivitiesPage.vue';
import ActivityPage from './ActivityPage.vue';
import CheckinPage from './CheckinPage.vue';

// The screen and the attendance pages (with their charts) load when first opened.
const ScreenPage = () => import('./ScreenPage.vue');
const MemberAttendancePage = () => import('./MemberAttendancePage.vue');
const OrgAttendancePage = () => import('./OrgAttendancePage.vue');
const SeriesPage = () => import('./SeriesPage.vue');

export default [
  { path: '/activities', component: ActivitiesPage, meta: { title: 'activities.title', tab: true } },
  { path: '/activities/:id(\\d+)', component: ActivityPage, meta: { title: 'activities.one' } },
  { path: '/activities/:id(\\d+)/screen', component: ScreenPage, meta: { auth: true, bare: true, title: 'activities.screen.title' } },
  { path: '/checkin', component: CheckinPage, meta: { auth: true, title: 'activities.checkin.title', back: false } },
  { path: '/members/:id(\\d+)/attendance', component: MemberAttendancePage, meta: { auth: true, title: 'activities.memberAttendance' } },
  { path: '/orgs/:id(\\d+)/attendance', component: OrgAttendancePage, meta: { auth: true, title: 'activities.orgAttendance' } },
  { path: '/series/:id(\\d+)', component: SeriesPage, meta: { title: 'activities.series.title' } },
];
