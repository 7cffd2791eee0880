// The app's languages: simplified Chinese first, English, and traditional Chinese made
// from the simplified at build time (vite.config.js). The choice is remembered with the
// user (PATCH /api/v1/session) and, before signing in, in this browser.
import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN/index.js';
import en from './en/index.js';
import zhTW from 'virtual:zh-TW';

export const LOCALES = [
  { code: 'zh-CN', name: '简体中文' },
  { code: 'zh-TW', name: '繁體中文' },
  { code: 'en', name: 'English' },
];

function firstChoice() {
  const saved = localStorage.getItem('louyu.locale');
  if (LOCALES.some((l) => l.code === saved)) return saved;
  const nav = (navigator.language || '').toLowerCase();
  if (nav.startsWith('zh-tw') || nav.startsWith('zh-hk') || nav.includes('hant')) return 'zh-TW';
  if (nav.startsWith('en')) return 'en';
  return 'zh-CN';
}

export const i18n = createI18n({
  legacy: false,
  locale: firstChoice(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, 'zh-TW': zhTW, en },
  missingWarn: false,
  fallbackWarn: false,
});

// Switches the language of the page (not yet the user's setting: session.saveLocale).
export function useLocale(code) {
  if (!LOCALES.some((l) => l.code === code)) return;
  i18n.global.locale.value = code;
  localStorage.setItem('louyu.locale', code);
  document.documentElement.lang = code;
}
