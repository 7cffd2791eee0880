// A Vite plugin: `import messages from 'virtual:zh-TW'` gives the simplified Chinese
// messages (src/i18n/zh-CN) converted to traditional Chinese with Taiwan phrases.
import * as OpenCC from 'opencc-js';
import { fileURLToPath } from 'node:url';

const ID = 'virtual:zh-TW';
const RESOLVED = '\0' + ID;

function convertAll(value, convert) {
  if (typeof value === 'string') return convert(value);
  if (Array.isArray(value)) return value.map((v) => convertAll(v, convert));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertAll(v, convert)]));
  return value;
}

export function zhTW() {
  const source = fileURLToPath(new URL('../src/i18n/zh-CN/index.js', import.meta.url));
  return {
    name: 'louyu-zh-tw',
    resolveId(id) {
      return id === ID ? RESOLVED : null;
    },
    async load(id) {
      if (id !== RESOLVED) return null;
      this.addWatchFile(source);
      const { default: messages } = await import(`${source}?t=${Date.now()}`);
      const convert = OpenCC.Converter({ from: 'cn', to: 'twp' });
      return `export default ${JSON.stringify(convertAll(messages, convert))};`;
    },
  };
}
