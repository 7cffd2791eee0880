// Political birthdays: the month's members of a committee, and its gathering.
// It needs a session: the page checks (components/activities/signin.js).
import BirthdaysPage from './BirthdaysPage.vue';

export default [{ path: '/birthdays', component: BirthdaysPage, meta: { title: 'birthdays.title' } }];
