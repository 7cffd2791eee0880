import LoginPage from './LoginPage.vue';

export default [{ path: '/login', component: LoginPage, meta: { title: 'auth.title', back: false } }];
