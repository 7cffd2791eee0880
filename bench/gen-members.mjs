// Writes N member rows as CSV (UTF-8 with BOM, Chinese headers) to stdout, deterministically:
//   node bench/gen-members.mjs 200000 > members.csv
// Every row belongs to branch 4 of the demo (中科科创有限公司党支部).
const n = Number(process.argv[2] || 1000);
const sur = '陈李黄张梁林刘吴罗何郑谢周冯叶蔡';
const giv = ['嘉欣', '志强', '晓明', '丽华', '伟杰', '慧敏', '家豪', '婉婷'];
const out = ['\ufeff编号,姓名,性别,出生日期,手机,支部编号,入党日期,转正日期'];
for (let i = 0; i < n; i++) {
  const y = 1990 + (i % 25), m = 1 + (i % 12), d = 1 + (i % 28);
  const adm = `${y + 1 > 2024 ? 2024 : y + 1}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  out.push(`E${i},${sur[i % 16]}${giv[i % 8]},${i % 2 ? '男' : '女'},${y - 25}-${m}-${d},1${String(3000000000 + i)},4,${adm},`);
}
process.stdout.write(out.join('\r\n') + '\r\n');
