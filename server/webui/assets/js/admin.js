// The admin audit page: every attempt, allowed or blocked, with filters,
// pages and exports.

import { api, describeError, query } from './api.js';
import { h, icon, replace } from './dom.js';
import { formatBytes, formatTimestamp } from './format.js';

const filterNames = ['user', 'action', 'decision', 'bucket', 'from', 'to'];
const actions = ['list', 'upload', 'upload.confirm', 'multipart.create', 'multipart.parts', 'multipart.list-parts',
  'multipart.complete', 'multipart.abort', 'download', 'delete', 'me', 'audit.query', 'access.review'];
const pageSize = 50;

/** toLocalInput turns an RFC 3339 time into the value of a datetime-local input. */
function toLocalInput(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** renderAudit shows the events the URL's filters select. */
export async function renderAudit(main, params, app) {
  document.title = 'Audit events · S3 Access Manager';
  const filters = {};
  for (const n of filterNames) filters[n] = params.get(n) || '';
  const cursor = params.get('cursor') || '';

  const field = (name, label, control) => h('div', { class: 'field' }, h('label', { for: `f-${name}` }, label), control);
  const text = (name, placeholder) => h('input', { type: 'text', id: `f-${name}`, name, value: filters[name], placeholder, autocomplete: 'off' });
  const select = (name, options) => h('select', { id: `f-${name}`, name },
    options.map(([v, l]) => h('option', { value: v, selected: filters[name] === v }, l)));
  const time = (name) => h('input', { type: 'datetime-local', id: `f-${name}`, name, value: toLocalInput(filters[name]) });

  const form = h('form', { class: 'filters', id: 'audit-filters', role: 'search', 'aria-label': 'Filter audit events' },
    field('user', 'User', text('user', 'alice@partner-a.com')),
    field('action', 'Action', select('action', [['', 'Any action'], ...actions.map((a) => [a, a])])),
    field('decision', 'Decision', select('decision', [['', 'Allowed and blocked'], ['allowed', 'Allowed only'], ['blocked', 'Blocked only']])),
    field('bucket', 'Bucket', text('bucket', 'partner-data')),
    field('from', 'From', time('from')),
    field('to', 'Until', time('to')),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'button primary', id: 'apply-filters' }, 'Apply filters'),
      h('a', { class: 'button', href: '/admin/audit', 'data-nav': '' }, 'Reset')));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const next = {};
    for (const n of filterNames) {
      let v = String(data.get(n) || '').trim();
      if ((n === 'from' || n === 'to') && v) v = new Date(v).toISOString();
      next[n] = v;
    }
    app.navigate(`/admin/audit${query(next)}`);
  });

  const exportQuery = (format) => `/api/v1/audit/events${query({ ...filters, order: 'desc', format })}`;
  const exports = h('p', { class: 'exports' }, 'Export these events: ',
    h('a', { class: 'button small', id: 'export-csv', href: exportQuery('csv'), download: 'audit.csv' }, icon('download'), ' CSV'), ' ',
    h('a', { class: 'button small', id: 'export-jsonl', href: exportQuery('jsonl'), download: 'audit.jsonl' }, icon('download'), ' JSON lines'));
  const status = h('p', { class: 'counts', id: 'audit-status', 'aria-live': 'polite' }, 'Loading…');
  const tbody = h('tbody', { id: 'audit-body' });
  const table = h('table', { class: 'audit', id: 'audit-table' },
    h('caption', { class: 'visually-hidden' }, 'Audit events, newest first; blocked attempts are marked "Blocked"'),
    h('thead', {}, h('tr', {}, ['Time', 'User', 'Action', 'Object', 'Decision', 'Reason', 'Outcome'].map((c) => h('th', { scope: 'col' }, c)))),
    tbody);
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });

  replace(main,
    h('h1', { tabindex: '-1' }, 'Audit events'),
    h('p', { class: 'lead' }, 'Every attempt to use the API, allowed or blocked. Newest first.'),
    form, exports, status,
    h('div', { class: 'table-scroll', tabindex: '0', 'aria-label': 'Audit events table' }, table),
    pager);

  try {
    const res = await api('GET', '/api/v1/audit/events', { params: { ...filters, order: 'desc', limit: pageSize, cursor } });
    replace(tbody, res.events.map(eventRow));
    const blocked = res.events.filter((e) => e.decision === 'blocked').length;
    status.textContent = res.events.length
      ? `${res.events.length} events on this page, ${blocked} blocked.`
      : 'No events match these filters.';
    table.hidden = !res.events.length;
    const links = [];
    if (cursor) links.push(h('a', { class: 'button', href: `/admin/audit${query(filters)}`, 'data-nav': '' }, '⇤ Newest'));
    if (res.next) links.push(h('a', { class: 'button', id: 'older', href: `/admin/audit${query({ ...filters, cursor: res.next })}`, 'data-nav': '' }, 'Older events →'));
    replace(pager, links);
  } catch (err) {
    status.textContent = '';
    table.hidden = true;
    exports.hidden = true;
    replace(main.querySelector('.lead'), h('span', { class: 'notice error', role: 'alert' }, `The audit trail could not be read: ${describeError(err)}`));
  }
}

function eventRow(e) {
  const blocked = e.decision === 'blocked';
  const object = e.key ? `${e.bucket}/${e.key}` : (e.bucket || '—');
  return h('tr', { class: blocked ? 'row-blocked' : '', dataset: { decision: e.decision } },
    h('td', {}, h('time', { datetime: e.time }, formatTimestamp(e.time))),
    h('td', { class: 'wrap' }, e.user),
    h('td', {}, e.action),
    h('td', { class: 'wrap mono' }, object, e.bytes ? h('span', { class: 'muted' }, ` · ${formatBytes(e.bytes)}`) : null),
    h('td', {}, blocked
      ? h('span', { class: 'badge blocked' }, icon('blocked'), ' Blocked')
      : h('span', { class: 'badge allowed' }, icon('check'), ' Allowed')),
    h('td', { class: 'wrap' }, e.reason || '—', e.error ? h('div', { class: 'muted small' }, e.error) : null),
    h('td', {}, e.outcome));
}
