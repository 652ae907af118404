// The folder browser: breadcrumb, location, counts, folders then files, and
// the actions the grants allow here.

import { api, describeError } from './api.js';
import { h, icon, replace, announce, openURL } from './dom.js';
import { confirmDialog, promptDialog } from './dialogs.js';
import { formatBytes, formatDate, plural } from './format.js';
import { browseURL, homeRoot, permissionsAt, permissionOrder, permissionText } from './roots.js';
import { dropTarget } from './upload-dialog.js';
import * as newFolders from './new-folders.js';
import { shareButton } from './links.js';

/** newFolderNote says what a new folder is until a file is uploaded into it. */
export const newFolderNote = 'The folder is saved with its first file. Until then it exists only in this browser tab.';

const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** validFolderName returns why name cannot be a folder name, or ''. */
export function folderNameProblem(name) {
  if (!name.trim()) return 'Enter a name.';
  if (name.includes('/')) return 'A folder name cannot contain "/". Create one level at a time.';
  if (name.includes('\\')) return 'A folder name cannot contain "\\".';
  if (name === '.' || name === '..') return 'That name is reserved.';
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'A folder name cannot contain control characters.';
  if (new TextEncoder().encode(name).length > 255) return 'The name is too long.';
  return '';
}

/** renderBrowse shows the folder of ?connection=&bucket=&prefix=. */
export async function renderBrowse(main, params, app) {
  const connection = params.get('connection') || '';
  const bucket = params.get('bucket') || '';
  const prefix = params.get('prefix') || '';
  const home = homeRoot(app.me.roots, connection, bucket, prefix);
  if (!home) {
    document.title = 'Folder not available · S3 Access Manager';
    replace(main,
      h('h1', { tabindex: '-1' }, 'Folder not available'),
      h('p', { class: 'notice error', role: 'alert' }, `None of your grants covers ${bucket}/${prefix}.`),
      h('p', {}, h('a', { href: '/', 'data-nav': '' }, 'Back to your buckets')));
    return;
  }
  const perms = permissionsAt(app.me.roots, connection, bucket, prefix);
  const canWrite = perms.has('write');
  const here = { connection, bucket, prefix };
  const user = app.me.user;
  const folderName = prefix === home.prefix ? (home.prefix || bucket) : prefix.slice(0, -1).split('/').pop();
  document.title = `${folderName} · S3 Access Manager`;

  const state = { entries: [], nextToken: '', generation: 0 };
  const errorBox = h('div', { id: 'browse-error', class: 'notice error', role: 'alert', hidden: true });
  const counts = h('p', { id: 'counts', class: 'counts', 'aria-live': 'polite' }, 'Loading…');
  const tbody = h('tbody', { id: 'listing-body' });
  // Never disabled while it loads: a disabled button loses the keyboard focus.
  const more = h('button', { type: 'button', class: 'button', id: 'load-more', hidden: true, onclick: () => { if (!more.hasAttribute('aria-busy')) load(true); } }, 'Show more');
  const empty = h('p', { class: 'empty', hidden: true });

  const showError = (msg) => { errorBox.hidden = !msg; errorBox.textContent = msg || ''; };

  const actions = h('div', { class: 'toolbar-actions' },
    h('button', { type: 'button', class: 'button', id: 'refresh', onclick: () => load(false) }, icon('refresh'), ' Refresh'),
    shareButton(here, perms),
    canWrite && h('button', { type: 'button', class: 'button', id: 'new-folder', onclick: newFolder }, icon('plus'), ' New folder'),
    canWrite && h('button', { type: 'button', class: 'button primary', id: 'upload-button', onclick: () => app.dialog.open(here) }, icon('upload'), ' Upload files'));

  const table = h('table', { class: 'listing', id: 'listing' },
    h('caption', { class: 'visually-hidden' }, `Contents of ${bucket}/${prefix}: folders first, then files`),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Name'),
      h('th', { scope: 'col', class: 'num' }, 'Size'),
      h('th', { scope: 'col' }, 'Modified'),
      h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
    tbody);
  const listingArea = h('section', { class: 'listing-area', 'aria-label': 'Folder contents' }, table, empty, h('p', { class: 'more' }, more));
  if (canWrite) {
    listingArea.classList.add('droppable');
    dropTarget(listingArea, (dt) => {
      app.dialog.open(here);
      app.dialog.addDropped(dt);
    });
  }

  replace(main,
    breadcrumb(home, connection, bucket, prefix),
    h('div', { class: 'title-row' }, h('h1', { tabindex: '-1' }, icon('folder'), ' ', folderName)),
    h('p', { class: 'location', id: 'location' }, 'Current location: ', h('code', {}, `${bucket}/${prefix}`)),
    h('p', { class: 'grants' }, 'Here you may ', permissionOrder.filter((p) => perms.has(p)).map((p) => h('span', { class: 'chip' }, permissionText[p]))),
    h('div', { class: 'toolbar' }, counts, actions),
    errorBox,
    listingArea);

  function render() {
    const virtual = [];
    for (const p of newFolders.childrenOf({ user, connection, bucket, prefix })) {
      // One that S3 lists is saved: forget it.
      if (state.entries.some((e) => e.key === p)) newFolders.saved({ user, connection, bucket, key: p });
      else virtual.push({ type: 'folder', key: p, name: p.slice(prefix.length, -1), virtual: true });
    }
    const folders = [...state.entries.filter((e) => e.type === 'folder'), ...virtual].sort(byName);
    const files = state.entries.filter((e) => e.type === 'file').sort(byName);
    replace(tbody, folders.map(folderRow), files.map(fileRow));
    const suffix = state.nextToken ? ' so far' : '';
    counts.replaceChildren(icon('folder'), ` ${plural(folders.length, 'folder', 'folders')}  `, icon('file'), ` ${plural(files.length, 'file', 'files')}${suffix}`);
    more.hidden = !state.nextToken;
    const isEmpty = !folders.length && !files.length;
    table.hidden = isEmpty;
    empty.hidden = !isEmpty;
    if (isEmpty) {
      empty.textContent = newFolders.isNew({ user, connection, bucket, prefix })
        ? `This new folder is empty. ${newFolderNote}`
        : (canWrite ? 'This folder is empty. Drop files here or use "Upload files".' : 'This folder is empty.');
    }
  }

  function folderRow(e) {
    return h('tr', { class: 'folder', dataset: { key: e.key } },
      h('td', { class: 'name' }, h('a', { href: browseURL(connection, bucket, e.key), 'data-nav': '', class: 'folder-link' },
        icon('folder'), ' ', e.name),
        e.virtual ? h('span', { class: 'chip chip-new', title: newFolderNote }, 'New · saved with its first file') : null),
      h('td', { class: 'num' }, h('span', { 'aria-label': 'no size' }, '—')),
      h('td', {}, h('span', { 'aria-label': 'no date' }, '—')),
      h('td', { class: 'actions muted' }, 'Folder'));
  }

  function fileRow(e) {
    const buttons = [];
    if (perms.has('read')) {
      buttons.push(h('button', { type: 'button', class: 'button small', 'data-action': 'download', 'aria-label': `Download ${e.name}`, onclick: (ev) => download(e, ev.currentTarget) }, icon('download'), h('span', { class: 'label' }, ' Download')));
    }
    buttons.push(shareButton({ connection, bucket, key: e.key, name: e.name }, perms, { small: true }));
    if (perms.has('delete')) {
      buttons.push(h('button', { type: 'button', class: 'button small danger-outline', 'data-action': 'delete', 'aria-label': `Delete ${e.name}`, onclick: () => remove(e) }, icon('trash'), h('span', { class: 'label' }, ' Delete')));
    }
    return h('tr', { class: 'file', dataset: { key: e.key } },
      h('td', { class: 'name' }, icon('file'), ' ', h('span', { class: 'file-name' }, e.name)),
      h('td', { class: 'num', title: `${e.size} bytes` }, formatBytes(e.size)),
      h('td', {}, h('time', { datetime: e.lastModified, title: e.lastModified }, formatDate(e.lastModified))),
      h('td', { class: 'actions' }, buttons));
  }

  async function load(append) {
    const generation = ++state.generation;
    showError('');
    if (!append) counts.textContent = 'Loading…';
    more.setAttribute('aria-busy', 'true');
    more.textContent = append ? 'Loading more…' : 'Show more';
    const focused = append && (document.activeElement === more || document.activeElement === document.body);
    try {
      const res = await api('GET', '/api/v1/list', { params: { connection, bucket, prefix, token: append ? state.nextToken : '' } });
      if (generation !== state.generation) return;
      state.entries = append ? [...state.entries, ...res.entries] : res.entries;
      state.nextToken = res.nextToken || '';
      render();
      // Who pressed "Show more" goes on reading at the first entry it added.
      const first = focused && res.entries.length ? tbody.querySelector(`tr[data-key="${CSS.escape(res.entries[0].key)}"]`) : null;
      if (first) {
        first.tabIndex = -1;
        first.focus();
      }
    } catch (err) {
      if (generation !== state.generation) return;
      showError(`Could not list ${bucket}/${prefix}: ${describeError(err)}`);
      counts.textContent = '';
    } finally {
      if (generation === state.generation) {
        more.removeAttribute('aria-busy');
        more.textContent = 'Show more';
      }
    }
  }

  async function download(e, button) {
    button.disabled = true;
    showError('');
    try {
      const res = await api('POST', '/api/v1/downloads', { body: { connection, bucket, key: e.key } });
      // The URL is used once, right away, and kept nowhere.
      openURL(res.download.url);
      announce(`Downloading ${e.name}`);
    } catch (err) {
      showError(`Could not download ${bucket}/${e.key}: ${describeError(err)}`);
    } finally {
      button.disabled = false;
    }
  }

  async function remove(e) {
    const ok = await confirmDialog({
      title: `Delete ${e.name}?`,
      message: `${bucket}/${e.key} will be deleted for everyone who can see it. This cannot be undone.`,
      confirmLabel: 'Delete', danger: true,
    });
    if (!ok) return;
    showError('');
    try {
      await api('DELETE', '/api/v1/objects', { params: { connection, bucket, key: e.key } });
      announce(`${e.name} deleted`);
      await load(false);
    } catch (err) {
      showError(`Could not delete ${bucket}/${e.key}: ${describeError(err)}`);
    }
  }

  async function newFolder() {
    const name = await promptDialog({
      title: 'New folder',
      label: `Name of the new folder in ${bucket}/${prefix}`,
      hint: newFolderNote,
      confirmLabel: 'Create and open',
      validate: (v) => folderNameProblem(v) || (state.entries.some((e) => e.type === 'folder' && e.name === v) ? 'A folder with that name exists already.' : ''),
    });
    if (name === null) return;
    const p = `${prefix}${name}/`;
    newFolders.remember({ user, connection, bucket, prefix: p });
    app.navigate(browseURL(connection, bucket, p));
  }

  // New files show up without a refresh.
  let timer = 0;
  const onDone = (ev) => {
    const item = ev.detail;
    if (item.connection !== connection || item.bucket !== bucket || !item.key.startsWith(prefix)) return;
    clearTimeout(timer);
    timer = setTimeout(() => load(false), 250);
  };
  app.uploads.addEventListener('filedone', onDone);
  app.onCleanup(() => { app.uploads.removeEventListener('filedone', onDone); clearTimeout(timer); });

  await load(false);
}

/** breadcrumb is home (the grant root), then every folder below it, each a link. */
function breadcrumb(home, connection, bucket, prefix) {
  const items = [h('li', {}, h('a', { href: browseURL(connection, bucket, home.prefix), 'data-nav': '', 'aria-current': prefix === home.prefix ? 'page' : null },
    icon('home'), ' ', home.prefix || `${bucket} (whole bucket)`))];
  const rest = prefix.slice(home.prefix.length).split('/').filter(Boolean);
  let p = home.prefix;
  for (const seg of rest) {
    p += `${seg}/`;
    items.push(h('li', {}, h('a', { href: browseURL(connection, bucket, p), 'data-nav': '', 'aria-current': p === prefix ? 'page' : null }, seg)));
  }
  return h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' },
    h('ol', {}, h('li', {}, h('a', { href: '/', 'data-nav': '' }, 'Your buckets')), items));
}
