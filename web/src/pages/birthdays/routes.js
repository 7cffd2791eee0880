// Political birthdays: the month's members of a committee, and its gathering.
import BirthdaysPage from './BirthdaysPage.vue';

export default [{ path: '/birthdays', component: BirthdaysPage, meta: { auth: true, title: 'birthdays.title' } }];
