// The app's pages. Each area lists its own routes (pages/<area>/routes.js); pages that
// need a session say so (meta.auth), and the sign-in page sends people back where they
// were going.
import { createRouter, createWebHistory } from 'vue-router';
import { session, sessionReady } from './session.js';
import auth from './pages/auth/routes.js';
import home from './pages/home/routes.js';
import stations from './pages/stations/routes.js';
import calendar from './pages/calendar/routes.js';
import orgs from './pages/orgs/routes.js';
import activities from './pages/activities/routes.js';
import birthdays from './pages/birthdays/routes.js';
import me from './pages/me/routes.js';
import NotFound from './pages/NotFound.vue';

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    ...auth, ...home, ...stations, ...calendar, ...orgs, ...activities, ...birthdays, ...me,
    { path: '/:rest(.*)*', component: NotFound, meta: { title: 'common.notFound' } },
  ],
  scrollBehavior: () => ({ top: 0 }),
});

router.beforeEach(async (to) => {
  await sessionReady(); // a reloaded page knows who is signed in before it is guarded
  if (to.meta.auth && !session.user) return { path: '/login', query: { next: to.fullPath } };
  return true;
});
