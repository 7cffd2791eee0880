// A station's opening hours, as the server keeps them: spans of Guangzhou time (+08:00,
// no daylight saving) on weekdays 1 (Monday) to 7 (Sunday). Summaries for people, and
// the spans as instants over a stretch of time for the calendar, whatever the browser's
// own time zone.
const GZ_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

// 'YYYY-MM-DD' of the day in Guangzhou that holds the instant t.
export function gzDate(t) {
  return new Date(new Date(t).getTime() + GZ_OFFSET_MS).toISOString().slice(0, 10);
}

// The weekday (1 = Monday ... 7 = Sunday) of a 'YYYY-MM-DD' day.
export function weekday(day) {
  return new Date(`${day}T00:00:00Z`).getUTCDay() || 7;
}

// The spans of each weekday, as 'HH:MM–HH:MM' strings: {1: [...], ..., 7: [...]}.
export function hoursByDay(openingHours = []) {
  const by = { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] };
  for (const s of openingHours) by[s.day]?.push(`${s.open}–${s.close}`);
  return by;
}

// "Mon–Fri 09:00–21:30 · Sat 09:30–17:30": runs of days with the same hours together.
export function hoursSummary(openingHours, t) {
  const by = hoursByDay(openingHours);
  const groups = [];
  for (let d = 1; d <= 7; d++) {
    const key = by[d].join(', ');
    if (!key) continue;
    const last = groups[groups.length - 1];
    if (last && last.key === key && last.to === d - 1) last.to = d;
    else groups.push({ from: d, to: d, key });
  }
  if (!groups.length) return t('stations.noHours');
  const name = (d) => t(`stations.day.${d}`);
  return groups
    .map((g) => `${g.from === g.to ? name(g.from) : t('stations.dayRange', { from: name(g.from), to: name(g.to) })} ${g.key}`)
    .join(t('stations.listSep'));
}

// The opening hours as instants [{start: Date, end: Date}] that meet [from, to).
export function openIntervals(openingHours = [], from, to) {
  const out = [];
  const a = new Date(from).getTime(), b = new Date(to).getTime();
  for (let t = a - DAY_MS; t < b + DAY_MS; t += DAY_MS) {
    const day = gzDate(t);
    const w = weekday(day);
    for (const s of openingHours) {
      if (s.day !== w) continue;
      const start = new Date(`${day}T${s.open}:00+08:00`);
      const end = s.close === '24:00' ? new Date(new Date(`${day}T00:00:00+08:00`).getTime() + DAY_MS) : new Date(`${day}T${s.close}:00+08:00`);
      if (end.getTime() > a && start.getTime() < b) out.push({ start, end });
    }
  }
  // the loop may visit a day twice near a boundary: keep each span once
  const seen = new Set();
  return out
    .filter((i) => (seen.has(+i.start) ? false : seen.add(+i.start)))
    .sort((x, y) => x.start - y.start);
}
