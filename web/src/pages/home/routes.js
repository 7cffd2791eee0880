import HomePage from './HomePage.vue';

// The home page: what the signed-in user has to see today, by their roles; a welcome
// (sign in, the stations and activities that are public) for anyone else.
export default [{ path: '/', component: HomePage, meta: { title: 'home.title', tab: true } }];
