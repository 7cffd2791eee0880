// Reading back the file a person imports, only to put a name to each line of the
// server's report (the report gives lines, not names): a CSV file in the encoding the
// server found, or an .xlsx workbook's first sheet (a ZIP archive, inflated by the
// browser's DecompressionStream).

// RFC 4180: rows of cells, quotes doubled inside quoted cells.
export function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

async function unzip(buffer) {
  const view = new DataView(buffer);
  let end = -1;
  for (let i = buffer.byteLength - 22; i >= Math.max(0, buffer.byteLength - 65557); i -= 1) {
    if (view.getUint32(i, true) === 0x06054b50) { end = i; break; }
  }
  if (end < 0) throw new Error('not a zip');
  const count = view.getUint16(end + 10, true);
  let at = view.getUint32(end + 16, true);
  const files = new Map();
  const names = new TextDecoder();
  for (let n = 0; n < count; n += 1) {
    if (view.getUint32(at, true) !== 0x02014b50) break;
    const method = view.getUint16(at + 10, true);
    const size = view.getUint32(at + 20, true);
    const nameLen = view.getUint16(at + 28, true), extraLen = view.getUint16(at + 30, true), commentLen = view.getUint16(at + 32, true);
    const local = view.getUint32(at + 42, true);
    const name = names.decode(new Uint8Array(buffer, at + 46, nameLen));
    files.set(name, { method, size, local });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return async (name) => {
    const f = files.get(name);
    if (!f) return null;
    const start = f.local + 30 + view.getUint16(f.local + 26, true) + view.getUint16(f.local + 28, true);
    const bytes = new Uint8Array(buffer, start, f.size);
    if (f.method === 0) return new TextDecoder().decode(bytes);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
    return new Response(stream).text();
  };
}

const colIndex = (ref) => {
  const letters = /^[A-Z]+/.exec(ref || '')?.[0] || 'A';
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
};
const xml = (text) => new DOMParser().parseFromString(text, 'application/xml');
const byTag = (node, tag) => [...node.getElementsByTagName(tag)];

// The first sheet's rows, by their number in the sheet (row 1 first).
export async function parseXlsx(buffer) {
  const read = await unzip(buffer);
  const workbook = xml(await read('xl/workbook.xml'));
  const rels = xml(await read('xl/_rels/workbook.xml.rels'));
  const first = byTag(workbook, 'sheet')[0];
  const rid = first?.getAttribute('r:id') || first?.getAttributeNS('http://schemas.openxmlformats.org/officeDocument/2006/relationships', 'id');
  const rel = byTag(rels, 'Relationship').find((r) => r.getAttribute('Id') === rid);
  let target = rel ? rel.getAttribute('Target') : 'worksheets/sheet1.xml';
  target = target.startsWith('/') ? target.slice(1) : `xl/${target}`;
  const sharedText = await read('xl/sharedStrings.xml');
  const shared = sharedText ? byTag(xml(sharedText), 'si').map((si) => byTag(si, 't').map((t) => t.textContent).join('')) : [];
  const sheet = xml(await read(target));
  const rows = [];
  for (const r of byTag(sheet, 'row')) {
    const cells = [];
    for (const c of byTag(r, 'c')) {
      const type = c.getAttribute('t');
      const v = byTag(c, 'v')[0]?.textContent ?? '';
      let value = v;
      if (type === 's') value = shared[Number(v)] ?? '';
      else if (type === 'inlineStr') value = byTag(c, 't').map((t) => t.textContent).join('');
      cells[colIndex(c.getAttribute('r'))] = value;
    }
    rows[Number(r.getAttribute('r')) - 1] = Array.from(cells, (x) => x ?? '');
  }
  return rows;
}

// The rows of the file (index 0 is line 1, the column names), or null when it cannot be read here.
export async function readRows(file, encoding) {
  try {
    const buffer = await file.arrayBuffer();
    if (encoding === 'xlsx') return await parseXlsx(buffer);
    return parseCsv(new TextDecoder(encoding || 'utf-8').decode(buffer));
  } catch {
    return null;
  }
}

// Line → the name in the row, by the column the file calls 姓名 (or name).
export function namesByLine(rows) {
  if (!rows || !rows.length) return new Map();
  const head = (rows[0] || []).map((h) => String(h || '').trim().toLowerCase());
  const col = head.findIndex((h) => h === '姓名' || h === 'name');
  const out = new Map();
  if (col < 0) return out;
  rows.forEach((r, i) => { if (i > 0 && r) out.set(i + 1, String(r[col] ?? '').trim()); });
  return out;
}
