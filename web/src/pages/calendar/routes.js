// A station's calendar (free time public; booking needs a sign-in), its pending approvals,
// and each booking. They load when first opened.
const CalendarPage = () => import('./CalendarPage.vue');
const PendingPage = () => import('./PendingPage.vue');
const BookingPage = () => import('./BookingPage.vue');

export default [
  { path: '/stations/:id(\\d+)/calendar', component: CalendarPage, meta: { title: 'calendar.title' } },
  { path: '/stations/:id(\\d+)/pending', component: PendingPage, meta: { auth: true, title: 'calendar.pendingTitle' } },
  { path: '/bookings/:id(\\d+)', component: BookingPage, meta: { auth: true, title: 'calendar.bookingTitle' } },
];
