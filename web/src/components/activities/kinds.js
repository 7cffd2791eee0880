// The kinds of activity, statuses and their colours, as the lists and pages show them.
export const KINDS = ['party_lesson', 'theme_party_day', 'political_birthday', 'volunteer_service', 'study', 'sharing',
  'appointment_service', 'other'];

export const STATUS_TAG = { draft: 'default', published: 'success', cancelled: 'danger', held: 'primary' };
export const REG_TAG = { registered: 'success', waiting: 'warning', cancelled: 'default' };

// Places still free: the capacity less the places taken.
export const placesLeft = (a) => Math.max(0, (a?.capacity || 0) - (a?.registered || 0));

// Whether the activity is over by this browser's clock.
export const isOver = (a) => new Date(a.end).getTime() <= Date.now();

// The slots of an appointment service: [start, end) cut into slot_minutes.
export function slotsOf(a) {
  if (!a?.slot_minutes) return [];
  const out = [];
  const end = new Date(a.end).getTime();
  for (let s = new Date(a.start).getTime(); s + a.slot_minutes * 60000 <= end; s += a.slot_minutes * 60000) {
    out.push({ start: new Date(s), end: new Date(s + a.slot_minutes * 60000) });
  }
  return out;
}

// "KJCJPSWM2V" → "KJCJP SWM2V", easier to read aloud.
export const spaced = (code) => (code || '').replace(/^(.{5})(.+)$/, '$1 $2');
