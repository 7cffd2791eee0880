// Times as people read them, in the browser's time zone and the app's language.
import { i18n } from './i18n/index.js';

const lang = () => i18n.global.locale.value;

export function fmtDate(t, opts = {}) {
  if (!t) return '';
  return new Intl.DateTimeFormat(lang(), { year: 'numeric', month: 'short', day: 'numeric', weekday: 'short', ...opts }).format(new Date(t));
}
export function fmtTime(t) {
  if (!t) return '';
  return new Intl.DateTimeFormat(lang(), { hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(t));
}
export function fmtDateTime(t) {
  return t ? `${fmtDate(t)} ${fmtTime(t)}` : '';
}
export function fmtRange(start, end) {
  if (!start) return '';
  const s = new Date(start), e = new Date(end);
  const sameDay = s.toDateString() === e.toDateString();
  return sameDay ? `${fmtDate(start)} ${fmtTime(start)}–${fmtTime(end)}` : `${fmtDateTime(start)} – ${fmtDateTime(end)}`;
}
// "2027-03-04T19:00:00+08:00" for the API, from a Date in local time.
export function rfc3339(d) {
  const pad = (n) => String(Math.abs(n)).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:00${off >= 0 ? '+' : '-'}${pad(Math.trunc(off / 60))}:${pad(off % 60)}`;
}
// Midnight (local) of the day of t, plus n days.
export function dayStart(t = new Date(), n = 0) {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() + n);
  return d;
}
