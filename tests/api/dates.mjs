// Days and times in Guangzhou time (+08:00), as the API tests write and read them.
export const MIN = 60 * 1000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const RFC3339_CN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

// The local date n days from today, 'YYYY-MM-DD'.
export const localDate = (n) => new Date(Date.now() + 8 * HOUR + n * DAY).toISOString().slice(0, 10);
export function addDays(day, n) {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
// 1 = Monday ... 7 = Sunday
export function weekday(day) {
  const d = new Date(`${day}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}
// The first day with the given weekday at least 'ahead' days from today.
export function nextWeekday(wd, ahead = 2) {
  for (let n = ahead; ; n++) if (weekday(localDate(n)) === wd) return localDate(n);
}
export const at = (day, hhmm) => `${day}T${hhmm}:00+08:00`;
export const ms = (t) => Date.parse(t);
