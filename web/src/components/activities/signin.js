// Pages that need a session send those not signed in to the sign-in page, and back here
// afterwards. Checked in the page rather than by the router's meta.auth: the router's
// first navigation runs before the session is read (router.js), so a signed-in person
// opening such a link directly (the QR code's check-in link!) would be asked to sign in.
import { useRoute, useRouter } from 'vue-router';
import { session } from '../../session.js';

// true when the page must not go on (the sign-in page is on its way).
export function needSignIn() {
  if (session.user) return false;
  const route = useRoute();
  useRouter().replace({ path: '/login', query: { next: route.fullPath } });
  return true;
}
