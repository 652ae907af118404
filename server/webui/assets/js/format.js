// Formatting of sizes, dates, speeds and durations for people.

const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** formatBytes gives decimal units: 1 kB is 1000 bytes, as operating systems show them. */
export function formatBytes(n) {
  if (!Number.isFinite(n) || n < 0) return '—';
  if (n < 1000) return n === 1 ? '1 byte' : `${n} bytes`;
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** formatSpeed gives a transfer rate in bytes per second. */
export function formatSpeed(bytesPerSecond) {
  if (!bytesPerSecond || !Number.isFinite(bytesPerSecond)) return '';
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** formatDuration gives a time left, rounded to what matters. */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});

/** formatDate gives a date and time in the reader's locale. */
export function formatDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : dateFormat.format(d);
}

/** formatTimestamp gives a precise local time, for the audit trail. */
export function formatTimestamp(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : timeFormat.format(d);
}

/** plural gives "1 file" or "3 files". */
export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}
