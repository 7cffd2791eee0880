// A Vite plugin: the app loads nothing from elsewhere (the server's Content-Security-Policy
// forbids it, and a station's network may not reach it). Vant's stylesheet names a copy of
// its icon font on a CDN after the one it embeds; the CDN source is dropped.
const REMOTE_FONT = /,?\s*url\((?:https?:)?\/\/at\.alicdn\.com\/[^)]*\)\s*format\(["']?[a-z0-9-]+["']?\)/g;

export function localOnly() {
  return {
    name: 'louyu-local-only',
    enforce: 'pre',
    transform(code, id) {
      if (!/\.css($|\?)/.test(id) || !code.includes('alicdn')) return null;
      return { code: code.replace(REMOTE_FONT, ''), map: null };
    },
  };
}
