import MePage from './MePage.vue';

export default [{ path: '/me', component: MePage, meta: { auth: true, title: 'me.title', tab: true } }];
