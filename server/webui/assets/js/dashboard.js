// "Your buckets": the caller's grant roots and what each allows.

import { h, icon, replace } from './dom.js';
import { browseURL, permissionOrder, permissionText } from './roots.js';

/** renderDashboard lists the roots of GET /api/v1/me. */
export function renderDashboard(main, _params, app) {
  document.title = 'Your buckets · S3 Access Manager';
  const roots = [...app.me.roots].sort((a, b) => `${a.bucket}/${a.prefix}`.localeCompare(`${b.bucket}/${b.prefix}`));
  replace(main,
    h('h1', { tabindex: '-1' }, 'Your buckets'),
    h('p', { class: 'lead' }, 'The folders shared with you. Open one to browse, upload or download files.'),
    roots.length
      ? h('ul', { class: 'roots', id: 'roots' }, roots.map(rootCard))
      : h('p', { class: 'notice' }, 'Nothing is shared with you yet. Ask your administrator for access.'));
}

function rootCard(r) {
  const title = `${r.bucket} / ${r.prefix || '(whole bucket)'}`;
  const perms = permissionOrder.filter((p) => r.permissions.includes(p));
  return h('li', { class: 'root-card' },
    h('a', { class: 'root-link', href: browseURL(r.connection, r.bucket, r.prefix), 'data-nav': '' },
      icon('bucket'), ' ', h('span', { class: 'root-title' }, title)),
    h('p', { class: 'root-meta' }, `Connection ${r.connection}`),
    h('ul', { class: 'perm-list', 'aria-label': `What you may do in ${title}` },
      perms.map((p) => h('li', { class: 'chip' }, icon('check'), ` ${permissionText[p]}`))),
    r.connectionReady ? null : h('p', { class: 'notice warn' }, icon('warning'), ' This storage connection is not ready: requests are refused until an administrator fixes it.'));
}
