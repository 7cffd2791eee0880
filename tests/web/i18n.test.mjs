// The app's messages, read from its sources (no browser): English has every message that
// simplified Chinese has (a missing one falls back to Chinese without a word), with the
// same placeholders; every message key the code names exists; no Chinese is written into
// a template by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './lib.mjs';

const SRC = join(ROOT, 'web/src');
const zhCN = (await import(join(SRC, 'i18n/zh-CN/index.js'))).default;
const en = (await import(join(SRC, 'i18n/en/index.js'))).default;

// {'area.key.sub': 'message'} of a message tree.
function flat(tree, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && !Array.isArray(v)) flat(v, key, out);
    else out[key] = v;
  }
  return out;
}
const ZH = flat(zhCN);
const EN = flat(en);

function files(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files(p, out);
    else if (/\.(vue|js)$/.test(name) && !p.includes('/i18n/')) out.push(p);
  }
  return out;
}
const SOURCES = files(SRC).map((p) => ({ path: relative(ROOT, p), text: readFileSync(p, 'utf8') }));

test('English and simplified Chinese have the same messages', () => {
  const onlyZh = Object.keys(ZH).filter((k) => !(k in EN));
  const onlyEn = Object.keys(EN).filter((k) => !(k in ZH));
  assert.deepEqual(onlyZh, [], `messages missing in English (web/src/i18n/en): ${onlyZh.join(', ')}`);
  assert.deepEqual(onlyEn, [], `messages missing in simplified Chinese (web/src/i18n/zh-CN): ${onlyEn.join(', ')}`);
});

test('a message has the same placeholders in both languages', () => {
  const names = (m) => [...String(m).matchAll(/\{\s*(\w+)\s*\}/g)].map((x) => x[1]).sort().join(',');
  const differ = Object.keys(ZH).filter((k) => k in EN && names(ZH[k]) !== names(EN[k]))
    .map((k) => `${k}: {${names(ZH[k])}} / {${names(EN[k])}}`);
  assert.deepEqual(differ, []);
});

test('every message key named in the code exists', () => {
  const missing = [];
  for (const { path, text } of SOURCES) {
    // t('area.key'), $t("area.key"), te('area.key'): keys written out whole.
    for (const m of text.matchAll(/(?<![\w.])\$?te?\(\s*(['"])([a-zA-Z][\w]*(?:\.[\w]+)+)\1/g)) {
      const key = m[2];
      if (!(key in ZH) && !Object.keys(ZH).some((k) => k.startsWith(`${key}.`))) missing.push(`${path}: ${key} (zh-CN)`);
      else if (!(key in EN) && !Object.keys(EN).some((k) => k.startsWith(`${key}.`))) missing.push(`${path}: ${key} (en)`);
    }
  }
  assert.deepEqual(missing, []);
});

test('no Chinese is written by hand into a template', () => {
  const found = [];
  for (const { path, text } of SOURCES.filter((f) => f.path.endsWith('.vue'))) {
    const m = /<template>([\s\S]*)<\/template>/.exec(text);
    if (!m) continue;
    const template = m[1].replace(/<!--[\s\S]*?-->/g, '');
    template.split('\n').forEach((line, i) => {
      if (/[\u3400-\u9fff]/.test(line)) found.push(`${path}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});
