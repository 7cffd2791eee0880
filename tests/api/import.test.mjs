// Importing and exporting the register, black-box: POST /api/v1/members/import with the
// file as the body (CSV in UTF-8 with or without a BOM, GB18030 or Big5 as Excel saves
// it, or an .xlsx workbook), GET /api/v1/members/export.csv and export.xlsx, and the
// command `louyu import members FILE`.
//
// The demo (src/domain/demo.c): 75 people with phones 13x/15x; org 4 is the branch
// 中科科创有限公司党支部 under the West Tower committee (org 3); the R&F committee (org 6)
// has branches 7-13. zhongke is org 4's branch secretary, member a member-role user there,
// fuli the committee admin of org 6. People these tests add have phones 177xxxxxxxx.
//
// Files are built here; GB18030, GBK and Big5 bytes come from iconv.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, crc32 } from 'node:zlib';
import { startServer, signIn, freshDb, louyu } from './lib.mjs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ZHONGKE = '中科科创有限公司党支部';
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

// ---- files ----

// The bytes of 'text' in another encoding, through iconv.
function encode(text, to) {
  const r = spawnSync('iconv', ['-f', 'UTF-8', '-t', to], { input: Buffer.from(text, 'utf8') });
  assert.equal(r.status, 0, `iconv to ${to}: ${r.stderr}`);
  return r.stdout;
}

// Rows of cells -> CSV text as Excel writes it (CRLF; no cell here needs quoting).
const csv = (rows) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';

// An RFC 4180 reader, for what louyu writes (the exports, rejected_csv).
function parseCsv(text) {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\r') { /* ends with \n */ }
    else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; }
    else cell += ch;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

const isUtf8 = (bytes) => {
  try { new TextDecoder('utf-8', { fatal: true }).decode(bytes); return true; } catch { return false; }
};

// A small .xlsx as Excel writes one: shared strings, numbers (dates as day numbers),
// sparse cells with references. 'rows' holds strings (shared) or numbers.
function excelWorkbook(rows) {
  const strings = [];
  const index = (s) => { let i = strings.indexOf(s); if (i < 0) { i = strings.length; strings.push(s); } return i; };
  const col = (c) => String.fromCharCode(65 + c);
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const sheetRows = rows.map((cells, r) => `<row r="${r + 1}">` + cells.map((v, c) => {
    if (v === null) return ''; // an empty cell: Excel leaves it out
    const ref = `${col(c)}${r + 1}`;
    return typeof v === 'number' ? `<c r="${ref}"><v>${v}</v></c>` : `<c r="${ref}" t="s"><v>${index(v)}</v></c>`;
  }).join('') + '</row>').join('');
  const files = {
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    '_rels/.rels': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    'xl/workbook.xml': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    'xl/_rels/workbook.xml.rels': '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    'xl/worksheets/sheet1.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${sheetRows}</sheetData></worksheet>`,
  };
  files['xl/sharedStrings.xml'] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="${strings.length}" uniqueCount="${strings.length}">${strings.map((s) => `<si><t>${esc(s)}</t></si>`).join('')}</sst>`;
  return zip(files);
}

// A zip archive (deflated members), as the .xlsx container.
function zip(files) {
  const locals = [], centrals = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data) >>> 0;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0, 6);
    local.writeUInt16LE(8, 8); local.writeUInt32LE(0, 10); local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18); local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26); local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0, 8); central.writeUInt16LE(8, 10); central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16); central.writeUInt32LE(packed.length, 20); central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28); central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8); end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(dir.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

// Excel's day number of a YYYY-MM-DD day (counted from 1899-12-30).
const excelDay = (day) => (Date.parse(`${day}T00:00:00Z`) - Date.UTC(1899, 11, 30)) / 86400000;

// ---- talking to the server ----

let serial = 0;
const phone = () => `177${String(++serial).padStart(8, '0')}`;

// Posts a file to the import endpoint; 'token' null for an anonymous caller.
function upload(srv, body, { query = '', type = 'text/csv', token } = {}) {
  const headers = { 'content-type': type };
  if (token !== undefined) headers.authorization = token ? `Bearer ${token}` : '';
  return srv.request('POST', `/api/v1/members/import${query}`, body instanceof Buffer ? new Uint8Array(body) : body, headers);
}

// A download's raw bytes (fetch's text() would drop a BOM).
async function download(srv, path, token = srv.token) {
  const res = await fetch(srv.url + path, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

// Every person as the admin lists them, page after page.
async function listing(srv) {
  const items = [];
  let cursor = null;
  do {
    const r = await srv.request('GET', `/api/v1/members?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    cursor = r.json.next;
  } while (cursor);
  return items;
}

const byPhone = (items, p) => items.find((m) => m.phone === p);
const counts = (create, update, unchanged, reject) => ({ create, update, unchanged, reject });

// The report every answer carries, with the shape the endpoint promises.
function assertReport(r, what) {
  const j = r.json;
  assert.ok(j, `${what}: not JSON: ${r.text}`);
  assert.equal(typeof j.encoding, 'string', `${what}: encoding in ${r.text}`);
  assert.equal(typeof j.committed, 'boolean', `${what}: committed in ${r.text}`);
  assert.deepEqual(Object.keys(j.counts).sort(), ['create', 'reject', 'unchanged', 'update'], what);
  assert.ok(Array.isArray(j.rows), `${what}: rows in ${r.text}`);
  for (const row of j.rows) {
    assert.equal(typeof row.line, 'number', `${what}: ${JSON.stringify(row)}`);
    assert.ok(['create', 'update', 'unchanged', 'reject'].includes(row.action), `${what}: ${JSON.stringify(row)}`);
    if (row.action === 'reject') {
      assert.equal(row.member_id, null, `${what}: a refused row has no member: ${JSON.stringify(row)}`);
      assert.ok(typeof row.reason === 'string' && row.reason.length > 0, `${what}: a refused row says why: ${JSON.stringify(row)}`);
    } else {
      assert.equal(row.reason, null, `${what}: ${JSON.stringify(row)}`);
      assert.equal(typeof row.member_id, 'number', `${what}: ${JSON.stringify(row)}`);
    }
  }
  const tally = counts(0, 0, 0, 0);
  for (const row of j.rows) tally[row.action]++;
  assert.deepEqual(j.counts, tally, `${what}: the counts add up the rows`);
  assert.equal(j.rejected_csv === null, tally.reject === 0, `${what}: rejected_csv is there exactly when rows were refused`);
}

// ---- a secretary's files ----

// The header and rows of the register of a branch as a secretary keeps it in Excel: a 序号
// column, Chinese headers, dates typed in the ways people type them, phones with spaces.
const SECRETARY_HEADER = ['序号', '姓名', '性别', '出生日期', '手机号码', '身份证号', '所在党支部', '党员类型',
  '申请入党日期', '确定积极分子日期', '确定发展对象日期', '入党日期', '转正日期'];

function secretaryFile() {
  const p = [phone(), phone(), phone()];
  const rows = [
    ['1', '张伟', '男', '1990/1/2', `${p[0].slice(0, 3)} ${p[0].slice(3, 7)} ${p[0].slice(7)}`, '440106199001021234', ZHONGKE, '正式党员',
      '2017/7/1', '2017年10月1日', '2018/10/8', '2019年7月1日', '2020/7/2'],
    ['2', '王芳', '女', '1992年3月4日', `${p[1].slice(0, 3)}-${p[1].slice(3, 7)}-${p[1].slice(7)}`, '', ZHONGKE, '流动党员',
      '2017年7月1日', '2018/1/5', '', '', ''],
    // A name with a character beyond GBK: GB18030 writes it in four bytes.
    ['3', '𠮷野', '女', '1995.5.6', p[2], '', ZHONGKE, '', '2021/3/1', '', '', '', ''],
  ];
  const expected = [
    { name: '张伟', gender: 'male', born_on: '1990-01-02', phone: p[0], id_number: '440106199001021234', branch_id: 4, kind: 'regular',
      applied_on: '2017-07-01', activist_on: '2017-10-01', target_on: '2018-10-08', admitted_on: '2019-07-01', full_on: '2020-07-02', stage: 'full_member' },
    { name: '王芳', gender: 'female', born_on: '1992-03-04', phone: p[1], id_number: null, branch_id: 4, kind: 'mobile',
      applied_on: '2017-07-01', activist_on: '2018-01-05', target_on: null, admitted_on: null, full_on: null, stage: 'activist' },
    { name: '𠮷野', gender: 'female', born_on: '1995-05-06', phone: p[2], id_number: null, branch_id: 4, kind: 'regular',
      applied_on: '2021-03-01', activist_on: null, target_on: null, admitted_on: null, full_on: null, stage: 'applicant' },
  ];
  return { rows, expected, text: csv([SECRETARY_HEADER, ...rows]) };
}

function assertStored(m, want, what) {
  assert.ok(m, `${what}: not in the register`);
  for (const [k, v] of Object.entries(want)) assert.equal(m[k], v, `${what}: ${k} of ${JSON.stringify(m)}`);
}

test("a secretary's GB18030 CSV as Excel saves it: a dry run, the import, the same file again", async () => {
  const srv = await startServer();
  try {
    const zhongke = (await signIn(srv.url, 'zhongke')).token;
    const file = secretaryFile();
    const bytes = encode(file.text, 'GB18030');
    // The file is what Excel writes for a Chinese Windows: no BOM, not UTF-8, CRLF.
    assert.ok(!bytes.subarray(0, 3).equals(BOM) && !isUtf8(bytes), 'the file is GB18030, not UTF-8');
    assert.ok(bytes.includes(Buffer.from('\r\n')));

    // A dry run reports row by row what the import would do, and changes nothing.
    const before = await listing(srv);
    const dry = await upload(srv, bytes, { query: '?dry_run=true', token: zhongke });
    assert.equal(dry.status, 200, dry.text);
    assertReport(dry, 'dry run');
    assert.equal(dry.json.encoding, 'gb18030');
    assert.equal(dry.json.committed, false);
    assert.deepEqual(dry.json.counts, counts(3, 0, 0, 0));
    assert.deepEqual(dry.json.rows.map((r) => [r.line, r.action]), [[2, 'create'], [3, 'create'], [4, 'create']]);
    assert.deepEqual(await listing(srv), before, 'a dry run changes nothing');

    // The import.
    const done = await upload(srv, bytes, { token: zhongke });
    assert.equal(done.status, 200, done.text);
    assertReport(done, 'import');
    assert.equal(done.json.encoding, 'gb18030');
    assert.equal(done.json.committed, true);
    assert.deepEqual(done.json.counts, counts(3, 0, 0, 0));
    assert.deepEqual(done.json.rows.map((r) => [r.line, r.action]), [[2, 'create'], [3, 'create'], [4, 'create']]);
    const after = await listing(srv);
    assert.equal(after.length, before.length + 3);
    for (let i = 0; i < 3; i++) {
      const id = done.json.rows[i].member_id;
      const m = await srv.request('GET', `/api/v1/members/${id}`);
      assert.equal(m.status, 200, m.text);
      assertStored(m.json, file.expected[i], `line ${i + 2}`);
    }

    // The same file again changes nothing.
    const again = await upload(srv, bytes, { token: zhongke });
    assert.equal(again.status, 200, again.text);
    assertReport(again, 'the same file again');
    assert.deepEqual(again.json.counts, counts(0, 0, 3, 0));
    assert.deepEqual(again.json.rows.map((r) => r.member_id), done.json.rows.map((r) => r.member_id));
    assert.deepEqual(await listing(srv), after, 'importing the same file twice changes nothing the second time');

    // One value changed in the file: that person is updated, the others are unchanged.
    const edited = file.rows.map((r) => [...r]);
    edited[1][3] = '1992/3/5';
    const upd = await upload(srv, encode(csv([SECRETARY_HEADER, ...edited]), 'GB18030'), { token: zhongke });
    assert.equal(upd.status, 200, upd.text);
    assert.deepEqual(upd.json.counts, counts(0, 1, 2, 0));
    assert.deepEqual(upd.json.rows.map((r) => r.action), ['unchanged', 'update', 'unchanged']);
    const m = await srv.request('GET', `/api/v1/members/${upd.json.rows[1].member_id}`);
    assert.equal(m.json.born_on, '1992-03-05');
    assert.equal(m.json.version, 2);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

test('UTF-8 with a BOM, and Big5 with traditional headers', async () => {
  const srv = await startServer();
  try {
    // UTF-8 as Excel's "CSV UTF-8" saves it: a BOM before the first header.
    const p1 = phone(), p2 = phone();
    const utf8 = Buffer.concat([BOM, Buffer.from(csv([
      ['姓名', '性别', '出生日期', '手机', '支部', 'kind', 'applied_on', 'activist_on'],
      ['李娜', 'F', '1993-12-01', p1, ZHONGKE, '流动', '2016-05-04', '2016-09-01'],
      ['Chen Ming', 'male', '1988/8/8', p2, ZHONGKE, 'regular', '2019年5月4日', ''],
    ]))]);
    const before = await listing(srv);
    const r = await upload(srv, utf8);
    assert.equal(r.status, 200, r.text);
    assertReport(r, 'UTF-8 with a BOM');
    assert.equal(r.json.encoding, 'utf-8');
    assert.deepEqual(r.json.counts, counts(2, 0, 0, 0));
    const after = await listing(srv);
    assert.equal(after.length, before.length + 2);
    assertStored(byPhone(after, p1), { name: '李娜', gender: 'female', born_on: '1993-12-01', branch_id: 4, kind: 'mobile',
      applied_on: '2016-05-04', activist_on: '2016-09-01', stage: 'activist' }, 'UTF-8 line 2');
    assertStored(byPhone(after, p2), { name: 'Chen Ming', gender: 'male', born_on: '1988-08-08', kind: 'regular',
      applied_on: '2019-05-04', stage: 'applicant' }, 'UTF-8 line 3');
    const again = await upload(srv, utf8);
    assert.deepEqual(again.json.counts, counts(0, 0, 2, 0), again.text);
    assert.deepEqual(await listing(srv), after);

    // Big5, as a Hong Kong or Taiwan office saves it, for a branch with a traditional name.
    const org = await srv.request('POST', '/api/v1/orgs', { name: '香港聯絡黨支部', kind: 'branch', parent_id: 3 });
    assert.equal(org.status, 201, org.text);
    const p3 = phone(), p4 = phone();
    const big5 = encode(csv([
      ['序號', '姓名', '性別', '出生日期', '手機', '身份證號', '編號', '所在黨支部', '黨員類型',
        '申請入黨日期', '確定積極分子日期', '確定發展對象日期', '入黨日期', '轉正日期'],
      ['1', '陳志強', '男', '1985/3/2', p3, '', 'HK-001', '香港聯絡黨支部', '流動黨員',
        '2010/1/1', '2010年6月1日', '2011/6/1', '2012年7月1日', '2013年7月1日'],
      ['2', '黃麗華', '女', '1988年8月8日', p4, '', 'HK-002', '香港聯絡黨支部', '正式黨員',
        '2019/5/4', '', '', '', ''],
    ]), 'BIG5');
    assert.ok(!isUtf8(big5));
    const b = await upload(srv, big5);
    assert.equal(b.status, 200, b.text);
    assertReport(b, 'Big5');
    assert.equal(b.json.encoding, 'big5');
    assert.deepEqual(b.json.counts, counts(2, 0, 0, 0));
    const all = await listing(srv);
    assertStored(byPhone(all, p3), { name: '陳志強', gender: 'male', born_on: '1985-03-02', external_id: 'HK-001', branch_id: org.json.id,
      kind: 'mobile', applied_on: '2010-01-01', activist_on: '2010-06-01', target_on: '2011-06-01', admitted_on: '2012-07-01',
      full_on: '2013-07-01', stage: 'full_member' }, 'Big5 line 2');
    assertStored(byPhone(all, p4), { name: '黃麗華', gender: 'female', born_on: '1988-08-08', external_id: 'HK-002', kind: 'regular',
      applied_on: '2019-05-04', stage: 'applicant' }, 'Big5 line 3');
    const b2 = await upload(srv, big5);
    assert.deepEqual(b2.json.counts, counts(0, 0, 2, 0), b2.text);
    assert.deepEqual(await listing(srv), all);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

test('.xlsx: the export imports back unchanged, and into another database; an Excel workbook imports', async () => {
  const a = await startServer();
  const b = await startServer();
  try {
    // Some people beyond the demo's, with external ids and every kind of day.
    const file = secretaryFile();
    const imp = await upload(a, encode(file.text, 'GB18030'));
    assert.equal(imp.status, 200, imp.text);
    const inA = await listing(a);

    const x = await download(a, '/api/v1/members/export.xlsx');
    assert.equal(x.status, 200);
    assert.equal(x.headers.get('content-type'), XLSX);
    assert.match(x.headers.get('content-disposition') || '', /attachment; filename="members\.xlsx"/);
    assert.ok(x.bytes.subarray(0, 4).equals(Buffer.from('PK\x03\x04')), 'a zip archive');

    // Back into the same database: every row unchanged.
    const same = await upload(a, x.bytes, { type: XLSX });
    assert.equal(same.status, 200, same.text);
    assertReport(same, 'xlsx into the same database');
    assert.equal(same.json.encoding, 'xlsx');
    assert.deepEqual(same.json.counts, counts(0, 0, inA.length, 0));
    assert.deepEqual(await listing(a), inA, 'the export imported back changes nothing');

    // Into another fresh database: the demo's people are there already, the others are made.
    const other = await upload(b, x.bytes, { type: XLSX });
    assert.equal(other.status, 200, other.text);
    assertReport(other, 'xlsx into another database');
    assert.deepEqual(other.json.counts, counts(3, 0, inA.length - 3, 0));
    const inB = await listing(b);
    assert.equal(inB.length, inA.length);
    const exported = ['name', 'gender', 'born_on', 'phone', 'id_number', 'external_id', 'branch_id', 'kind',
      'applied_on', 'activist_on', 'target_on', 'admitted_on', 'full_on', 'stage'];
    const pick = (m) => Object.fromEntries(exported.map((k) => [k, m[k]]));
    for (const m of inA) assert.deepEqual(pick(byPhone(inB, m.phone) || {}), pick(m), `person ${m.phone} across databases`);
    // And the other database's export imports back into it unchanged, too.
    const y = await download(b, '/api/v1/members/export.xlsx');
    const back = await upload(b, y.bytes, { type: XLSX });
    assert.deepEqual(back.json.counts, counts(0, 0, inB.length, 0), back.text);

    // A workbook as Excel saves it: shared strings, numbers for phones and day numbers for
    // dates, empty cells left out.
    const p = phone();
    const wb = excelWorkbook([
      ['序号', '姓名', '性别', '出生日期', '手机', '支部编号', '申请入党日期', '确定积极分子日期', '入党日期'],
      [1, '赵敏', '女', excelDay('1990-01-01'), Number(p), 4, excelDay('2017-07-01'), null, '2019年7月1日'],
    ]);
    const e = await upload(a, wb, { type: XLSX });
    assert.equal(e.status, 200, e.text);
    assertReport(e, 'an Excel workbook');
    assert.deepEqual(e.json.counts, counts(1, 0, 0, 0));
    assertStored(byPhone(await listing(a), p), { name: '赵敏', gender: 'female', born_on: '1990-01-01', branch_id: 4,
      applied_on: '2017-07-01', activist_on: null, admitted_on: '2019-07-01', stage: 'probationary' }, 'the Excel workbook row');
    const e2 = await upload(a, wb, { type: XLSX });
    assert.deepEqual(e2.json.counts, counts(0, 0, 1, 0), e2.text);
  } finally {
    assert.equal((await a.stop()).code, 0);
    assert.equal((await b.stop()).code, 0);
  }
});

// ---- refusals ----

test('each bad input: a reason naming the row, and the database unchanged', async () => {
  const srv = await startServer();
  try {
    const zhongke = (await signIn(srv.url, 'zhongke')).token;
    const H = ['姓名', '手机', '出生日期', '所在党支部', '申请入党日期', '确定积极分子日期'];
    const good = () => ['好人', phone(), '1990-01-01', ZHONGKE, '2020-01-01', ''];
    const dupPhone = phone();
    // [what, file, query, status, line of the bad row, what the reason says]
    const cases = [
      ['mojibake (UTF-8 read as Latin-1 and saved again)',
        csv([H, good(), ['å¤©æ²³', phone(), '1990-01-01', ZHONGKE, '2020-01-01', '']]), '', 422, 3, /garbled|mojibake|encoding/i],
      ['an invalid date', csv([H, good(), good(), ['错日', phone(), '1990-01-01', ZHONGKE, '2017-02-30', '']]), '', 422, 4, /2017-02-30/],
      ['a stage before the previous one', csv([H, ['倒序', phone(), '1990-01-01', ZHONGKE, '2020-05-01', '2020-04-30'], good()]),
        '', 422, 2, /before the previous stage/],
      ['a person under 18', csv([H, good(), ['少年', phone(), '2010-01-01', ZHONGKE, '2020-06-01', '']]), '', 422, 3, /18/],
      ['the same person twice (same phone, typed differently)',
        csv([H, ['甲', dupPhone, '1990-01-01', ZHONGKE, '2020-01-01', ''], good(),
          ['甲', `${dupPhone.slice(0, 3)} ${dupPhone.slice(3, 7)} ${dupPhone.slice(7)}`, '1990-01-01', ZHONGKE, '2020-01-01', '']]),
        '', 422, 4, /line 2/],
      ['a branch that does not exist', csv([H, good(), ['无支部', phone(), '1990-01-01', '不存在的党支部', '2020-01-01', '']]),
        '', 422, 3, /不存在的党支部/],
      ['an unknown column', csv([['姓名', '电话号', '所在党支部', '申请入党日期'], ['某人', phone(), ZHONGKE, '2020-01-01']]),
        '', 400, 1, /电话号/],
      ['a GBK file said to be UTF-8',
        encode(csv([['name', 'phone', 'born_on', 'branch_id', 'applied_on'], ['Li', phone(), '1990-01-01', '4', '2020-01-01'],
          ['张三', phone(), '1990-01-01', '4', '2020-01-01']]), 'GBK'), '?encoding=utf-8', 400, 3, /UTF-8/i],
    ];
    const unclear = [];
    for (const [what, file, query, status, line, why] of cases) {
      const before = await listing(srv);
      const r = await upload(srv, file, { query, token: zhongke });
      assert.equal(r.status, status, `${what}: ${r.status} ${r.text}`);
      assert.match(r.headers.get('content-type') || '', /^application\/problem\+json/, `${what}: ${r.text}`);
      assert.equal(r.json.status, status, `${what}: ${r.text}`);
      if (!new RegExp(`\\bline ${line}\\b`).test(r.json.detail)) unclear.push(`${what}: detail does not name line ${line}: ${r.json.detail}`);
      if (status === 422) {
        // The refusal carries the report of every row.
        assertReport(r, what);
        assert.equal(r.json.committed, false, what);
        const bad = r.json.rows.filter((x) => x.action === 'reject');
        assert.deepEqual(bad.map((x) => x.line), [line], `${what}: the refused rows in ${r.text}`);
        if (!why.test(bad[0].reason)) unclear.push(`${what}: reason ${JSON.stringify(bad[0].reason)} does not match ${why}`);
        assert.equal(r.json.rows.length, parseCsv(typeof file === 'string' ? file : file.toString('latin1')).length - 1, `${what}: every row reported`);
      } else if (!why.test(r.json.detail)) unclear.push(`${what}: detail ${JSON.stringify(r.json.detail)} does not match ${why}`);
      assert.deepEqual(await listing(srv), before, `${what}: the register changed although the file was refused`);
    }
    assert.deepEqual(unclear, [], 'every refusal names the row and says why');

    // The GBK file itself is fine when its encoding is said, or left to be detected.
    const gbk = cases.find((c) => c[0].startsWith('a GBK'))[1];
    for (const query of ['?encoding=gb18030&dry_run=true', '?dry_run=true']) {
      const r = await upload(srv, gbk, { query, token: zhongke });
      assert.equal(r.status, 200, `${query}: ${r.text}`);
      assert.equal(r.json.encoding, 'gb18030', query);
      assert.deepEqual(r.json.counts, counts(2, 0, 0, 0), query);
    }
    // Neither a file nor a CSV: refused before any row.
    const before = await listing(srv);
    const empty = await upload(srv, '', { token: zhongke });
    assert.equal(empty.status, 400, empty.text);
    const json = await srv.request('POST', '/api/v1/members/import', { name: 'x' });
    assert.equal(json.status, 415, json.text);
    const flag = await upload(srv, csv([H, good()]), { query: '?dry_run=yes', token: zhongke });
    assert.equal(flag.status, 400, flag.text);
    assert.deepEqual(await listing(srv), before);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

test('partial=true imports the good rows; rejected_csv holds the refused ones with a reason', async () => {
  const srv = await startServer();
  try {
    const zhongke = (await signIn(srv.url, 'zhongke')).token;
    const H = ['序号', '姓名', '手机', '所在党支部', '申请入党日期'];
    const [g1, b1, g2, b2] = [phone(), phone(), phone(), phone()];
    const rows = [
      ['1', '好一', g1, ZHONGKE, '2017/7/1'],
      ['2', '坏一', b1, ZHONGKE, '2017-02-30'],
      ['3', '好二', g2, ZHONGKE, '2018年3月1日'],
      ['4', '坏, "二"', b2, '不存在的党支部', '2019-01-01'],
    ];
    // The fourth name holds a comma and quotes: it must come back in rejected_csv intact.
    const file = [H, ...rows].map((r) => r.map((c) => (/[,"]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
    const before = await listing(srv);
    const r = await upload(srv, encode(file, 'GB18030'), { query: '?partial=true', token: zhongke });
    assert.equal(r.status, 200, r.text);
    assertReport(r, 'partial');
    assert.equal(r.json.committed, true);
    assert.deepEqual(r.json.counts, counts(2, 0, 0, 2));
    assert.deepEqual(r.json.rows.map((x) => [x.line, x.action]), [[2, 'create'], [3, 'reject'], [4, 'create'], [5, 'reject']]);
    const after = await listing(srv);
    assert.equal(after.length, before.length + 2);
    assert.ok(byPhone(after, g1) && byPhone(after, g2), 'the good rows are imported');
    assert.ok(!byPhone(after, b1) && !byPhone(after, b2), 'the refused rows are not');

    const rej = parseCsv(r.json.rejected_csv);
    assert.equal(rej.length, 3, r.json.rejected_csv);
    assert.deepEqual(rej[0].slice(0, H.length), H, 'the file header');
    assert.equal(rej[0].length, H.length + 1, 'and a reason column');
    assert.deepEqual(rej[1].slice(0, H.length), rows[1]);
    assert.match(rej[1][H.length], /2017-02-30/);
    assert.deepEqual(rej[2].slice(0, H.length), rows[3]);
    assert.match(rej[2][H.length], /不存在的党支部/);

    // The same file again: the good rows are unchanged, the bad still refused.
    const again = await upload(srv, encode(file, 'GB18030'), { query: '?partial=true', token: zhongke });
    assert.deepEqual(again.json.counts, counts(0, 0, 2, 2), again.text);
    assert.deepEqual(await listing(srv), after);

    // The refused rows, mended where the secretary reads the reason, import as they are
    // (the reason column is ignored); the encoding's name may be written as people do.
    const mended = r.json.rejected_csv.replace('2017-02-30', '2017-02-28').replace('不存在的党支部', ZHONGKE);
    const fixed = await upload(srv, encode(mended, 'GB18030'), { query: '?encoding=GBK', token: zhongke });
    assert.equal(fixed.status, 200, fixed.text);
    assert.equal(fixed.json.encoding, 'gb18030');
    assert.deepEqual(fixed.json.counts, counts(2, 0, 0, 0), fixed.text);
    const done = await listing(srv);
    assert.ok(byPhone(done, b1) && byPhone(done, b2), 'the mended rows are imported');
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

test('callers: a member-role user 403, anonymous 401, a committee admin outside the branch has its rows refused', async () => {
  const srv = await startServer();
  try {
    const member = (await signIn(srv.url, 'member')).token;
    const fuli = (await signIn(srv.url, 'fuli')).token;
    const zhongke = (await signIn(srv.url, 'zhongke')).token;
    const H = ['姓名', '手机', '支部编号', '所在党支部', '申请入党日期'];
    const mine = phone();
    const file = csv([H,
      ['四支部甲', phone(), '4', '', '2021-03-01'],   // branch 4 by id
      ['四支部乙', phone(), '', ZHONGKE, '2021-03-01'], // branch 4 by name
      ['郑嘉欣', '13100000000', '4', '', '2021-03-01'], // a demo person of branch 4, by phone
    ]);
    const before = await listing(srv);

    const m = await upload(srv, file, { token: member });
    assert.equal(m.status, 403, m.text);
    const anon = await upload(srv, file, { token: null });
    assert.equal(anon.status, 401, anon.text);
    assert.deepEqual(await listing(srv), before);

    const f = await upload(srv, file, { token: fuli });
    assert.equal(f.status, 422, f.text);
    assertReport(f, 'fuli');
    assert.equal(f.json.committed, false);
    assert.deepEqual(f.json.rows.map((x) => [x.line, x.action]), [[2, 'reject'], [3, 'reject'], [4, 'reject']]);
    assert.deepEqual(await listing(srv), before, "fuli's rows for branch 4 change nothing");
    // With partial, fuli's rows for its own branch are imported, branch 4's still refused.
    const own = csv([H, ['七支部', mine, '7', '', '2021-03-01'], ['四支部丙', phone(), '4', '', '2021-03-01']]);
    const fp = await upload(srv, own, { query: '?partial=true', token: fuli });
    assert.equal(fp.status, 200, fp.text);
    assert.deepEqual(fp.json.rows.map((x) => [x.line, x.action]), [[2, 'create'], [3, 'reject']]);
    const after = await listing(srv);
    assertStored(byPhone(after, mine), { name: '七支部', branch_id: 7 }, "fuli's own row");
    assert.equal(after.length, before.length + 1);
    // And the branch secretary cannot import into the R&F committee's branch.
    const z = await upload(srv, csv([H, ['越界', phone(), '7', '', '2021-03-01']]), { token: zhongke });
    assert.equal(z.status, 422, z.text);
    assert.equal(z.json.rows[0].action, 'reject');
    assert.deepEqual(await listing(srv), after);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// ---- the export ----

test('the CSV export neutralises formulas and round-trips through import', async () => {
  const a = await startServer();
  const b = await startServer();
  try {
    const people = [
      { name: '=1+2', external_id: "=cmd|' /C calc'!A0", phone: `+86${phone()}` },
      { name: '@SUM(A1)', external_id: '-2+3', phone: phone() },
      { name: '+平常人', external_id: 'EXT-1', phone: phone() },
    ];
    for (const p of people) {
      const r = await a.request('POST', '/api/v1/members', { ...p, branch_id: 4, applied_on: '2020-01-01' });
      assert.equal(r.status, 201, r.text);
    }
    const inA = await listing(a);
    const x = await download(a, '/api/v1/members/export.csv');
    assert.equal(x.status, 200);
    assert.match(x.headers.get('content-type') || '', /^text\/csv; charset=utf-8/i);
    assert.match(x.headers.get('content-disposition') || '', /attachment; filename="members\.csv"/);
    assert.ok(x.bytes.subarray(0, 3).equals(BOM), 'UTF-8 with a BOM, so that Excel reads it');
    const text = x.bytes.toString('utf8');
    const rows = parseCsv(text);
    assert.equal(rows.length, inA.length + 1);
    const h = rows[0];
    assert.deepEqual([h[0], h[1], h[4]], ['编号', '姓名', '手机']);
    for (const p of people) {
      const row = rows.find((c) => c[4].endsWith(p.phone.slice(-11)));
      assert.ok(row, `${p.name} is exported`);
      const guard = (v) => (/^[=+\-@]/.test(v) ? `'${v}` : v);
      assert.equal(row[1], guard(p.name), `name ${p.name}`);
      assert.equal(row[0], guard(p.external_id), `external id ${p.external_id}`);
      assert.equal(row[4], guard(p.phone), `phone ${p.phone}`);
    }
    for (const row of rows) for (const c of row) assert.doesNotMatch(c, /^[=+\-@\t\r]/, `cell ${JSON.stringify(c)} would be a formula`);

    // Back into the same database: nothing changes (the guard is taken off again).
    const same = await upload(a, x.bytes);
    assert.equal(same.status, 200, same.text);
    assert.deepEqual(same.json.counts, counts(0, 0, inA.length, 0));
    assert.deepEqual(await listing(a), inA);
    // Into another: the people come out as they went in.
    const other = await upload(b, x.bytes);
    assert.equal(other.status, 200, other.text);
    assert.deepEqual(other.json.counts, counts(people.length, 0, inA.length - people.length, 0));
    const inB = await listing(b);
    for (const p of people) assertStored(byPhone(inB, p.phone), p, `${p.name} in the other database`);
  } finally {
    assert.equal((await a.stop()).code, 0);
    assert.equal((await b.stop()).code, 0);
  }
});

// The importer takes an apostrophe before = + - @ for the export's guard; so a value that
// itself starts so must be guarded again on export, or it comes back without its apostrophe.
test('a value that starts with an apostrophe and = round-trips through the CSV export', async () => {
  const srv = await startServer();
  try {
    const p = phone();
    const made = await srv.request('POST', '/api/v1/members', { name: "'=x", external_id: "'-7", phone: p, branch_id: 4, applied_on: '2020-01-01' });
    assert.equal(made.status, 201, made.text);
    const before = await listing(srv);
    const x = await download(srv, '/api/v1/members/export.csv');
    const line = parseCsv(x.bytes.toString('utf8')).findIndex((c) => c[4] === p) + 1;
    assert.ok(line > 1, 'the person is exported');
    const r = await upload(srv, x.bytes, { query: '?dry_run=true' });
    const row = r.json && r.json.rows.find((x) => x.line === line);
    assert.deepEqual(row, { line, action: 'unchanged', member_id: made.json.id, reason: null },
      `the person's own export, imported back, would not leave them unchanged: ${r.status} ${JSON.stringify(r.json && r.json.counts)}`);
    assert.deepEqual(await listing(srv), before);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// ---- the command ----

test('louyu import members: a GB18030 file, --dry-run, a bad row, --partial --rejected', async () => {
  const db = freshDb();
  const dir = mkdtempSync(join(tmpdir(), 'louyu-import-'));
  try {
    const file = secretaryFile();
    const gb = join(dir, '党员名册.csv');
    writeFileSync(gb, encode(file.text, 'GB18030'));
    const run = (...args) => louyu(['import', 'members', ...args, '--db', db.db]);

    const r = run(gb);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /imported \(gb18030\): 3 to create, 0 to update, 0 unchanged, 0 refused/);
    const again = run(gb);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /0 to create, 0 to update, 3 unchanged, 0 refused/);

    // A dry run: reported, nothing changed (a second dry run reports the same).
    const H = ['姓名', '手机', '所在党支部', '申请入党日期'];
    const dryPhones = [phone(), phone()];
    const dryFile = join(dir, 'dry.csv');
    writeFileSync(dryFile, encode(csv([H, ['演习甲', dryPhones[0], ZHONGKE, '2017/7/1'], ['演习乙', dryPhones[1], ZHONGKE, '2018/7/1']]), 'GB18030'));
    for (let i = 0; i < 2; i++) {
      const d = run(dryFile, '--dry-run');
      assert.equal(d.status, 0, d.stderr);
      assert.match(d.stdout, /dry run \(gb18030\): 2 to create, 0 to update, 0 unchanged, 0 refused/, `dry run ${i + 1}`);
    }

    // A bad row: exit 1, the line named, nothing imported.
    const goodPhone = phone(), badPhone = phone();
    const badFile = join(dir, 'bad.csv');
    writeFileSync(badFile, csv([H, ['好行', goodPhone, ZHONGKE, '2017-07-01'], ['坏行', badPhone, ZHONGKE, '2017-02-30']]));
    const bad = run(badFile);
    assert.equal(bad.status, 1, bad.stdout + bad.stderr);
    assert.match(bad.stderr, /line 3\b.*2017-02-30/);

    // --partial --rejected OUT: the good row in, the bad one written out with its reason.
    const out = join(dir, 'rejected.csv');
    const part = run(badFile, '--partial', '--rejected', out);
    assert.equal(part.status, 0, part.stderr);
    assert.match(part.stdout, /imported \(utf-8\): 1 to create, 0 to update, 0 unchanged, 1 refused/,
      'the good row is created now: the refused run before imported nothing');
    assert.match(part.stderr, /line 3\b/);
    assert.ok(existsSync(out), 'the rejected rows are written');
    const bytes = readFileSync(out);
    assert.ok(bytes.subarray(0, 3).equals(BOM), 'with a BOM, for Excel');
    const rej = parseCsv(bytes.toString('utf8'));
    assert.equal(rej.length, 2, bytes.toString('utf8'));
    assert.deepEqual(rej[0].slice(0, H.length), H);
    assert.equal(rej[0].length, H.length + 1, 'a reason column');
    assert.deepEqual(rej[1].slice(0, H.length), ['坏行', badPhone, ZHONGKE, '2017-02-30']);
    assert.match(rej[1][H.length], /2017-02-30/);

    // What the register holds now, read over HTTP.
    const srv = await startServer({ db: db.db });
    try {
      const all = await listing(srv);
      for (const want of file.expected) assertStored(byPhone(all, want.phone), want, `${want.name} from the command`);
      assert.ok(byPhone(all, goodPhone), 'the partial import kept the good row');
      for (const p of [...dryPhones, badPhone]) assert.equal(byPhone(all, p), undefined, `${p} must not be registered`);
    } finally {
      assert.equal((await srv.stop()).code, 0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    db.cleanup();
  }
});

// Found in review: a broken row must not hand out stale cells (a use after free under
// AddressSanitizer), and one cell far to the right must not make millions of columns.
test('files built to hurt: a broken CSV row, too many fields, a cell far to the right', async () => {
  const srv = await startServer();
  try {
    const before = await listing(srv);
    const unclosed = await upload(srv, `姓名,手机\r\n张三,"138${'0'.repeat(300)}\r\n`);
    assert.equal(unclosed.status, 422, unclosed.text);
    assert.match(unclosed.json.rows[0].reason, /malformed CSV/);
    const wide = await upload(srv, `姓名,手机\r\n${'x,'.repeat(70)}y\r\n`);
    assert.equal(wide.status, 422, wide.text);
    assert.match(wide.json.rows[0].reason, /too many fields/);
    const sheet = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
      + '<sheetData><row r="1"><c r="AAAAAAA1" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>';
    const book = zip({ '[Content_Types].xml': '<Types/>', 'xl/worksheets/sheet1.xml': sheet });
    const far = await upload(srv, book, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    assert.equal(far.status, 400, far.text);
    assert.match(far.json.detail, /64 columns/);
    assert.equal((await srv.request('GET', '/healthz')).status, 200);
    assert.deepEqual(await listing(srv), before);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});
