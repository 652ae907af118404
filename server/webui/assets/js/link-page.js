// The recipient page of an AccessLink, /l/<token>: no account, no session.
// A download link shows its file, or its folder to browse; an upload-request
// link shows a drop zone and the progress of every file, with resumable
// multipart uploads as in the app. Never a listing of an upload link's
// folder: the server refuses it anyway.

import { ApiError, describeError } from './api.js';
import { h, icon, replace, announce, openURL } from './dom.js';
import { formatBytes, formatDate, plural } from './format.js';
import { UploadManager, settings } from './uploads.js';
import { UploadDialog, dropTarget } from './upload-dialog.js';
import { PendingUploads } from './pending.js';
import { LinkClient, linkUser } from './link-routes.js';

const token = decodeURIComponent(window.location.pathname.split('/')[2] || '');
const client = new LinkClient(token);
const main = document.getElementById('main');

/** refusal explains, for a recipient, why a link cannot be used. */
function refusal(err) {
  if (!(err instanceof ApiError)) return describeError(err);
  switch (err.reason) {
    case 'LinkNotFound': return 'This link does not exist, or it was deleted. Ask the person who sent it for a new one.';
    case 'LinkRevoked': return 'This link was revoked by the person who shared it.';
    case 'LinkExpired': return 'This link has expired. Ask the person who sent it for a new one.';
    case 'LinkUsedUp': return 'This link has been used as many times as it allows.';
    default: return describeError(err);
  }
}

function fail(err) {
  document.title = 'Link not available · S3 Access Manager';
  replace(main, h('h1', { tabindex: '-1' }, 'Link not available'), h('p', { class: 'notice error', role: 'alert', id: 'link-error' }, refusal(err)));
}

/** askPassword shows the password form until the link opens. */
function askPassword(message) {
  document.title = 'Password required · S3 Access Manager';
  const input = h('input', { type: 'password', id: 'link-password', autocomplete: 'off', required: true, 'aria-describedby': 'password-error' });
  const error = h('p', { id: 'password-error', class: 'field-error', role: 'alert' }, message || '');
  const button = h('button', { type: 'submit', class: 'button primary', id: 'password-submit' }, 'Open');
  const form = h('form', { class: 'link-password', id: 'password-form' },
    h('label', { for: 'link-password' }, 'Password'), input, error, h('p', {}, button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    client.password = input.value;
    button.disabled = true;
    try {
      await open();
    } finally {
      button.disabled = false;
    }
  });
  replace(main, h('h1', { tabindex: '-1' }, icon('lock'), ' This link is protected'),
    h('p', {}, 'Enter the password you were given with the link.'), form);
  input.focus();
}

async function open() {
  let info;
  try {
    info = await client.call('GET', '/info');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      askPassword(client.password ? 'That password is wrong.' : '');
      return;
    }
    if (err instanceof ApiError && err.status === 429) {
      askPassword(err.message);
      return;
    }
    fail(err);
    return;
  }
  if (info.kind === 'UploadRequest') await renderUpload(info);
  else if (info.folder) await renderFolder(info);
  else renderFile(info);
  document.documentElement.dataset.ready = 'true';
}

/** limits lists what the recipient must know: expiry, uses left, sizes and types. */
function limits(info) {
  const items = [h('li', {}, `Works until ${formatDate(info.expiresAt)}`)];
  if (info.usesLeft !== undefined) items.push(h('li', {}, `${plural(info.usesLeft, 'use', 'uses')} left`));
  if (info.maxFileSize) items.push(h('li', {}, `Files up to ${formatBytes(info.maxFileSize)}`));
  if (info.allowedContentTypes?.length) items.push(h('li', {}, `Accepted types: ${info.allowedContentTypes.join(', ')}`));
  return h('ul', { class: 'link-limits', id: 'link-limits' }, items);
}

function header(info, title) {
  document.title = `${title} · S3 Access Manager`;
  return [
    h('h1', { tabindex: '-1' }, title),
    info.description ? h('p', { class: 'link-description', id: 'link-description' }, info.description) : null,
    limits(info),
  ];
}

async function download(path, button, errorBox) {
  button.disabled = true;
  errorBox.hidden = true;
  try {
    const res = await client.call('POST', '/download', { body: path ? { path } : {} });
    openURL(res.download.url);
    announce(`Downloading ${res.name}`);
  } catch (err) {
    errorBox.hidden = false;
    errorBox.textContent = refusal(err);
  } finally {
    button.disabled = false;
  }
}

function renderFile(info) {
  const errorBox = h('p', { class: 'notice error', role: 'alert', id: 'link-error', hidden: true });
  const button = h('button', { type: 'button', class: 'button primary', id: 'link-download', onclick: () => download('', button, errorBox) }, icon('download'), ' Download');
  replace(main, header(info, info.name), h('p', { class: 'link-file' }, icon('file'), ' ', h('span', { class: 'file-name' }, info.name)), h('p', {}, button), errorBox);
}

async function renderFolder(info) {
  const errorBox = h('p', { class: 'notice error', role: 'alert', id: 'link-error', hidden: true });
  const tbody = h('tbody', { id: 'listing-body' });
  const crumbs = h('p', { class: 'location', id: 'location' });
  replace(main, header(info, info.name), crumbs, errorBox,
    h('table', { class: 'listing', id: 'listing' },
      h('caption', { class: 'visually-hidden' }, 'Files you may download'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col', class: 'num' }, 'Size'),
        h('th', { scope: 'col' }, 'Modified'), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')))),
      tbody));
  const show = async (path) => {
    errorBox.hidden = true;
    let res;
    try {
      res = await client.call('GET', '/files', { params: { path } });
    } catch (err) {
      errorBox.hidden = false;
      errorBox.textContent = refusal(err);
      return;
    }
    const parts = path.split('/').filter(Boolean);
    replace(crumbs, 'In ', h('button', { type: 'button', class: 'linkish', onclick: () => show('') }, info.name),
      parts.map((seg, i) => [' / ', h('button', { type: 'button', class: 'linkish', onclick: () => show(`${parts.slice(0, i + 1).join('/')}/`) }, seg)]));
    replace(tbody, res.entries.map((e) => {
      if (e.type === 'folder') {
        return h('tr', { class: 'folder', dataset: { key: e.path } },
          h('td', { class: 'name' }, h('button', { type: 'button', class: 'linkish folder-link', onclick: () => show(e.path) }, icon('folder'), ' ', e.name)),
          h('td', { class: 'num' }, '—'), h('td', {}, '—'), h('td', { class: 'actions muted' }, 'Folder'));
      }
      const button = h('button', { type: 'button', class: 'button small', 'data-action': 'download', 'aria-label': `Download ${e.name}`, onclick: () => download(e.path, button, errorBox) }, icon('download'), h('span', { class: 'label' }, ' Download'));
      return h('tr', { class: 'file', dataset: { key: e.path } },
        h('td', { class: 'name' }, icon('file'), ' ', h('span', { class: 'file-name' }, e.name)),
        h('td', { class: 'num' }, formatBytes(e.size)), h('td', {}, formatDate(e.lastModified)), h('td', { class: 'actions' }, button));
    }));
  };
  await show('');
}

async function renderUpload(info) {
  const user = await linkUser(token);
  const uploads = new UploadManager(user, client.routes());
  const dialog = new UploadDialog(uploads);
  const destination = { connection: '', bucket: info.name, prefix: '' };
  // Also the destination of an upload resumed after a reload.
  dialog.setDestination(destination);
  const done = h('ul', { class: 'link-done', id: 'link-done', 'aria-label': 'Files you uploaded' });
  uploads.addEventListener('filedone', ({ detail: item }) => {
    done.append(h('li', {}, icon('check'), ' ', item.file.name, ` · ${formatBytes(item.size)}`));
  });
  const zone = h('section', { class: 'link-dropzone droppable', id: 'link-dropzone', 'aria-label': 'Drop files here' },
    h('p', { class: 'dropzone-title' }, icon('upload'), ' Drag and drop files here'),
    h('p', {}, h('button', { type: 'button', class: 'button primary', id: 'upload-button', onclick: () => dialog.open(destination) }, icon('upload'), ' Upload files')),
    h('p', { class: 'hint' }, 'You can upload files here, but not see or change what anyone else uploaded. Large files upload in parts and can resume after a reload.'));
  dropTarget(zone, (dt) => {
    dialog.open(destination);
    dialog.addDropped(dt);
  });
  replace(main, header(info, `Upload files to ${info.name}`), zone, h('h2', {}, 'Uploaded'), done);
  new PendingUploads(document.getElementById('pending-uploads'), { me: { user }, uploads, dialog });
  window.s3amLink = { uploads, settings }; // for the browser tests: no token, no password in it
}

open().catch(fail);
