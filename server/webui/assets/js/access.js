// The admin access review: who can reach a bucket folder (or a key), through
// which grant, with which permissions and until when; everything a user or
// group can do; and the recertification export of every grant.

import { api, describeError, query } from './api.js';
import { h, icon, replace } from './dom.js';
import { formatDate, plural } from './format.js';

const folderParams = ['connection', 'bucket', 'prefix', 'permission', 'inEffect'];
const subjectParams = ['user', 'group', 'inEffect'];
const permissions = ['read', 'write', 'list', 'delete'];
const dayMs = 24 * 60 * 60 * 1000;

/** renderAccess shows the review the URL asks for. */
export async function renderAccess(main, params, app) {
  document.title = 'Access review · S3 Access Manager';
  const p = {};
  for (const n of [...folderParams, ...subjectParams]) p[n] = params.get(n) || '';
  const subjectMode = !!(p.user || p.group);
  const folderMode = !!p.bucket;

  const field = (id, label, control, hint) => h('div', { class: 'field' },
    h('label', { for: id }, label), control, hint ? h('div', { class: 'muted small', id: `${id}-hint` }, hint) : null);
  const text = (id, name, value, placeholder, extra) => h('input', {
    type: 'text', id, name, value, placeholder, autocomplete: 'off', spellcheck: 'false', ...extra,
  });
  const inEffectBox = (id) => h('div', { class: 'field checkbox' },
    h('label', { for: id }, h('input', { type: 'checkbox', id, name: 'inEffect', value: 'true', checked: p.inEffect === 'true' }), ' In effect now only'));

  const folderForm = h('form', { class: 'filters', id: 'who-can-form', role: 'search', 'aria-labelledby': 'who-can-title' },
    h('h2', { id: 'who-can-title', class: 'form-title' }, 'Who can reach a folder?'),
    field('wc-bucket', 'Bucket', text('wc-bucket', 'bucket', p.bucket, 'partner-data', { required: true })),
    field('wc-prefix', 'Folder or key', text('wc-prefix', 'prefix', p.prefix, 'partner-a/uploads/', { 'aria-describedby': 'wc-prefix-hint' }),
      'Empty for the whole bucket; a folder ends with "/".'),
    field('wc-permission', 'Permission', h('select', { id: 'wc-permission', name: 'permission' },
      [['', 'Any permission'], ...permissions.map((x) => [x, x])].map(([v, l]) => h('option', { value: v, selected: p.permission === v }, l)))),
    field('wc-connection', 'Connection', text('wc-connection', 'connection', p.connection, 'all connections')),
    inEffectBox('wc-in-effect'),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button primary', id: 'who-can-submit' }, 'Show who can')));
  folderForm.addEventListener('submit', (e) => {
    e.preventDefault();
    app.navigate(`/admin/access${query(formValues(folderForm, folderParams))}`);
  });

  const kind = p.group ? 'group' : 'user';
  const subjectForm = h('form', { class: 'filters', id: 'subject-form', role: 'search', 'aria-labelledby': 'subject-title' },
    h('h2', { id: 'subject-title', class: 'form-title' }, 'What can a user or group do?'),
    field('sf-kind', 'Kind', h('select', { id: 'sf-kind', name: 'kind' },
      h('option', { value: 'user', selected: kind === 'user' }, 'User'), h('option', { value: 'group', selected: kind === 'group' }, 'Group'))),
    field('sf-name', 'Name', text('sf-name', 'name', p.user || p.group, 'alice@partner-a.com', { required: true })),
    inEffectBox('sf-in-effect'),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'button primary', id: 'subject-submit' }, 'Show access')));
  subjectForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const data = new FormData(subjectForm);
    const name = String(data.get('name') || '').trim();
    app.navigate(`/admin/access${query({ [String(data.get('kind'))]: name, inEffect: data.get('inEffect') ? 'true' : '' })}`);
  });

  const selection = subjectMode ? pick(p, subjectParams) : folderMode ? pick(p, folderParams) : {};
  const exportLink = (id, label, format, sel) => h('a', {
    class: 'button small', id, href: `/api/v1/access/grants${query({ ...sel, format })}`, download: `grants.${format}`,
  }, icon('download'), ` ${label}`);
  const exports = h('p', { class: 'exports', id: 'access-exports' }, 'Recertification export of every grant: ',
    exportLink('export-all-csv', 'CSV', 'csv', {}), ' ', exportLink('export-all-jsonl', 'JSON lines', 'jsonl', {}));
  const status = h('p', { class: 'counts', id: 'access-status', 'aria-live': 'polite' });
  const tbody = h('tbody', { id: 'access-body' });
  const table = h('table', { class: 'audit access', id: 'access-table', hidden: true },
    h('caption', { class: 'visually-hidden' }, 'Subjects and the grants that give them access; grants not in effect are marked with their status'),
    h('thead', {}, h('tr', {}, ['Subject', 'Grant', 'Where', 'Permissions', 'Valid until', 'Status'].map((c) => h('th', { scope: 'col' }, c)))),
    tbody);

  replace(main,
    h('h1', { tabindex: '-1' }, 'Access review'),
    h('p', { class: 'lead' }, 'Every grant, in effect or not: who can reach a folder and through which grant, or everything a user or group can do.'),
    h('div', { class: 'review-forms' }, folderForm, subjectForm),
    exports, status,
    h('div', { class: 'table-scroll', tabindex: '0', 'aria-label': 'Access review results' }, table));

  if (!subjectMode && !folderMode) {
    status.textContent = 'Enter a bucket and folder, or a user or group.';
    return;
  }
  status.textContent = 'Loading…';
  try {
    const res = await api('GET', '/api/v1/access/grants', { params: selection });
    replace(tbody, res.rows.map(row));
    table.hidden = !res.rows.length;
    const active = res.rows.filter((r) => r.inEffect).length;
    const what = subjectMode ? `${p.user ? 'user' : 'group'} ${p.user || p.group}` : `${p.bucket}/${p.prefix}`;
    status.textContent = res.rows.length
      ? `${what}: ${plural(res.rows.length, 'grant subject', 'grant subjects')}, ${active} in effect.`
      : `${what}: no grant matches.`;
    exports.append(' This result: ', exportLink('export-csv', 'CSV', 'csv', selection), ' ', exportLink('export-jsonl', 'JSON lines', 'jsonl', selection));
  } catch (err) {
    status.textContent = '';
    replace(status, h('span', { class: 'notice error', role: 'alert', id: 'access-error' }, `The review failed: ${describeError(err)}`));
  }
}

function formValues(form, names) {
  const data = new FormData(form);
  const out = {};
  for (const n of names) {
    const v = data.get(n);
    // Keys and prefixes are taken as typed: spaces are valid in them.
    out[n] = v === null ? '' : (n === 'prefix' ? String(v) : String(v).trim());
  }
  return out;
}

function pick(p, names) {
  const out = {};
  for (const n of names) if (p[n]) out[n] = p[n];
  return out;
}

function until(r) {
  if (!r.validUntil) return h('span', { class: 'muted' }, 'no end');
  const left = new Date(r.validUntil).getTime() - Date.now();
  const days = Math.ceil(left / dayMs);
  // The operator's ExpiringSoon condition decides, with its warning period.
  const soon = r.expiringSoon;
  return h('span', { class: soon ? 'expiring' : null },
    h('time', { datetime: r.validUntil }, formatDate(r.validUntil)),
    left > 0 ? h('span', { class: 'muted small' }, ` · in ${plural(days, 'day', 'days')}`) : null,
    soon ? h('span', { class: 'badge warn' }, icon('warning'), ' Expires soon') : null);
}

function row(r) {
  const where = `${r.bucket}/${r.prefix}`;
  return h('tr', { class: r.inEffect ? '' : 'row-blocked', dataset: { status: r.status, grant: `${r.namespace}/${r.name}` } },
    h('td', { class: 'wrap' }, h('span', { class: 'muted small' }, r.subjectKind === 'Group' ? 'group ' : 'user '), r.subject),
    h('td', { class: 'wrap mono' }, `${r.namespace}/${r.name}`),
    h('td', { class: 'wrap mono' }, where, h('div', { class: 'muted small' }, `connection ${r.connection}`)),
    h('td', {}, r.permissions.join(', ') || '—'),
    h('td', {}, until(r), r.validFrom ? h('div', { class: 'muted small' }, 'from ', formatDate(r.validFrom)) : null),
    h('td', { class: 'wrap' }, r.inEffect
      ? h('span', { class: 'badge allowed' }, icon('check'), ' In effect')
      : h('span', { class: 'badge blocked' }, icon('blocked'), ` ${r.status}`),
    r.inEffect ? null : h('div', { class: 'muted small' }, r.message || ''),
    r.lastTransition ? h('div', { class: 'muted small' }, 'since ', formatDate(r.lastTransition)) : null));
}
