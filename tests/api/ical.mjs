// Reading the iCalendar feeds the server writes, for the feed tests.
import assert from 'node:assert/strict';

// The events of an iCalendar text: [{UID, STATUS, DTSTART, ...}], lines unfolded.
export function events(text) {
  const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n');
  const out = [];
  let cur = null;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') cur = {};
    else if (line === 'END:VEVENT') { out.push(cur); cur = null; } else if (cur) {
      const i = line.indexOf(':');
      cur[line.slice(0, i).split(';')[0]] = line.slice(i + 1);
    }
  }
  return out;
}

// A calendar answer (200, text/calendar, one VCALENDAR), and its events.
export function assertCalendar(r, what) {
  assert.equal(r.status, 200, `${what}: ${r.text}`);
  assert.match(r.headers.get('content-type') || '', /^text\/calendar/, what);
  assert.ok(r.text.startsWith('BEGIN:VCALENDAR\r\n'), what);
  assert.ok(r.text.trimEnd().endsWith('END:VCALENDAR'), what);
  return events(r.text);
}
