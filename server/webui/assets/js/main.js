// The app: reads the signed-in user, then renders the page the URL names
// and keeps the URL in step, so that back, forward and reload work.

import { api, describeError, onUnauthorized } from './api.js';
import { h, icon, replace } from './dom.js';
import { renderDashboard } from './dashboard.js';
import { renderBrowse } from './browse.js';
import { renderAudit } from './admin.js';
import { renderAccess } from './access.js';
import { UploadManager, settings } from './uploads.js';
import { UploadDialog } from './upload-dialog.js';
import { PendingUploads } from './pending.js';
import * as newFolders from './new-folders.js';

const config = JSON.parse(document.querySelector('meta[name="s3am-config"]')?.content || '{}');
const routes = { '/': renderDashboard, '/browse': renderBrowse, '/admin/audit': renderAudit, '/admin/access': renderAccess };

const app = { config, settings, me: null, uploads: null, dialog: null, navigate, onCleanup: (fn) => cleanups.push(fn) };
let cleanups = [];
let renders = 0;

onUnauthorized(() => {
  if (config.login) window.location.assign(`/login?redirect=${encodeURIComponent(window.location.pathname + window.location.search)}`);
});

/** navigate shows url, as a new history entry unless replace. */
function navigate(url, { replace: replaceEntry = false } = {}) {
  window.history[replaceEntry ? 'replaceState' : 'pushState'](null, '', url);
  render();
}

function isAdmin() {
  return !!config.adminGroup && app.me.groups.includes(config.adminGroup);
}

function renderChrome(path) {
  const nav = document.getElementById('topnav');
  const link = (href, label) => h('a', { href, 'data-nav': '', 'aria-current': path === href || (href === '/' && path === '/browse') ? 'page' : null }, label);
  replace(nav, link('/', 'Your buckets'), isAdmin() ? link('/admin/audit', 'Audit') : null,
    isAdmin() ? link('/admin/access', 'Access review') : null);
  const account = document.getElementById('account');
  if (!account.childElementCount) {
    replace(account,
      h('span', { class: 'user', id: 'current-user', title: app.me.groups.length ? `groups: ${app.me.groups.join(', ')}` : null }, icon('user'), ' ', app.me.user),
      config.logout ? h('form', { method: 'post', action: '/auth/logout?redirect=%2Flogin', class: 'logout' },
        h('button', { type: 'submit', class: 'button small' }, 'Sign out')) : null);
  }
}

async function render() {
  for (const fn of cleanups) fn();
  cleanups = [];
  const url = new URL(window.location.href);
  const view = routes[url.pathname];
  const main = document.getElementById('main');
  renderChrome(url.pathname);
  const first = renders++ === 0;
  if (!view) {
    replace(main, h('h1', { tabindex: '-1' }, 'Page not found'), h('p', {}, h('a', { href: '/', 'data-nav': '' }, 'Back to your buckets')));
  } else {
    try {
      await view(main, url.searchParams, app);
    } catch (err) {
      replace(main, h('h1', { tabindex: '-1' }, 'Something went wrong'), h('p', { class: 'notice error', role: 'alert' }, describeError(err)));
    }
  }
  // After a navigation, start reading and tabbing at the new page's heading.
  if (!first) main.querySelector('h1')?.focus();
}

function onLinkClick(e) {
  const a = e.target.closest('a[data-nav]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  const href = a.getAttribute('href');
  if (href !== window.location.pathname + window.location.search) navigate(href);
  else render();
}

async function boot() {
  const main = document.getElementById('main');
  try {
    app.me = await api('GET', '/api/v1/me');
  } catch (err) {
    replace(main, h('h1', {}, 'Cannot start'), h('p', { class: 'notice error', role: 'alert' }, describeError(err)),
      config.login ? h('p', {}, h('a', { class: 'button primary', href: '/login' }, 'Sign in')) : null);
    return;
  }
  app.uploads = new UploadManager(app.me.user);
  app.dialog = new UploadDialog(app.uploads);
  // A new folder is saved with its first file, wherever the app is by then.
  app.uploads.addEventListener('filedone', ({ detail: i }) => newFolders.saved({ user: app.me.user, connection: i.connection, bucket: i.bucket, key: i.key }));
  new PendingUploads(document.getElementById('pending-uploads'), app);
  document.addEventListener('click', onLinkClick);
  window.addEventListener('popstate', () => render());
  window.s3am = app; // for the browser tests and curious admins: no secrets in it
  await render();
  document.documentElement.dataset.ready = 'true';
}

boot();
