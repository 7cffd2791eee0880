import { createApp } from 'vue';
import Vant from 'vant';
import 'vant/lib/index.css';
import './app.css';
import App from './App.vue';
import { router } from './router.js';
import { i18n, useLocale } from './i18n/index.js';
import { sessionReady } from './session.js';

const app = createApp(App);
app.use(Vant);
app.use(i18n);
app.use(router);

// The session first, so that the first page knows who is asking and in which language.
sessionReady().then((user) => {
  if (user && user.locale) useLocale(user.locale);
  else useLocale(i18n.global.locale.value);
  app.mount('#app');
});
