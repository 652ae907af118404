// Sharing from the app: the Share dialog of a folder or a file lists its
// links, creates download and upload-request links, and revokes them. A new
// link's URL is shown once: the server keeps only a hash of its token.

import { api, describeError } from './api.js';
import { h, icon, replace, announce } from './dom.js';
import { confirmDialog } from './dialogs.js';
import { formatBytes, formatDate } from './format.js';

const stateText = { Active: 'Active', Revoked: 'Revoked', Expired: 'Expired', UsedUp: 'Used up' };

/**
 * shareButton opens the Share dialog of target {connection, bucket, prefix}
 * (a folder) or {connection, bucket, key, name} (a file), when perms (a Set)
 * allow a link there; null otherwise.
 */
export function shareButton(target, perms, { small = false } = {}) {
  const kinds = linkKinds(target, perms);
  if (!kinds.length) return null;
  const name = target.name || target.prefix?.slice(0, -1).split('/').pop() || target.bucket;
  return h('button', {
    // A file's row action, or the folder's toolbar button.
    type: 'button', class: `button${small ? ' small' : ''}`, 'data-action': target.key ? 'share' : null,
    id: target.key ? null : 'share-folder', 'aria-label': `Share ${name}`,
    onclick: () => new ShareDialog(target, name, kinds).open(),
  }, icon('share'), h('span', { class: 'label' }, ' Share'));
}

/** linkKinds are the kinds of link the caller's permissions allow on target. */
function linkKinds(target, perms) {
  if (target.key) return perms.has('read') ? [{ kind: 'Download', label: 'Recipients can download this file' }] : [];
  const kinds = [];
  if (perms.has('read') && perms.has('list')) kinds.push({ kind: 'Download', label: 'Recipients can download the files of this folder' });
  if (perms.has('write')) kinds.push({ kind: 'UploadRequest', label: 'Recipients can upload files here (drop box: they see nothing else)' });
  return kinds;
}

/** linkURL is the recipient page of a link path (/l/<token>) on this server. */
const linkURL = (path) => new URL(path, window.location.origin).href;

class ShareDialog {
  constructor(target, name, kinds) {
    this.target = target;
    this.name = name;
    this.kinds = kinds;
    this.folder = target.key ? target.key.slice(0, target.key.lastIndexOf('/') + 1) : target.prefix;
  }

  open() {
    this.list = h('ul', { class: 'link-list', id: 'link-list', 'aria-label': 'Links' });
    this.listError = h('p', { class: 'notice error', role: 'alert', hidden: true });
    this.result = h('div', { id: 'link-created', class: 'link-created', hidden: true });
    this.dialog = h('dialog', { class: 'modal', id: 'share-dialog', 'aria-labelledby': 'share-title' },
      h('div', { class: 'modal-head' },
        h('h2', { id: 'share-title' }, `Share ${this.name}`),
        h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => this.dialog.close() }, '×')),
      this.form(), this.result,
      h('h3', {}, 'Links'), this.listError, this.list,
      h('div', { class: 'modal-actions' }, h('button', { type: 'button', class: 'button primary', onclick: () => this.dialog.close() }, 'Close')));
    this.dialog.addEventListener('close', () => this.dialog.remove());
    document.body.append(this.dialog);
    this.dialog.showModal();
    this.refresh();
  }

  form() {
    const field = (id, label, input, hint) => h('div', { class: 'field' }, h('label', { for: id }, label), input, hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null);
    this.kind = h('select', { id: 'link-kind' }, this.kinds.map((k) => h('option', { value: k.kind }, k.label)));
    this.days = h('input', { type: 'number', id: 'link-days', min: '1', max: '365', value: '7', required: true });
    this.uses = h('input', { type: 'number', id: 'link-uses', min: '1', max: '1000000', placeholder: 'No limit' });
    this.password = h('input', { type: 'password', id: 'link-password', autocomplete: 'new-password', minlength: '8', maxlength: '128', placeholder: 'None' });
    this.description = h('input', { type: 'text', id: 'link-description', maxlength: '200', placeholder: 'What the recipient should know' });
    this.maxSize = h('input', { type: 'number', id: 'link-max-size', min: '1', placeholder: 'No limit' });
    this.types = h('input', { type: 'text', id: 'link-types', placeholder: 'e.g. application/pdf, image/*' });
    this.formError = h('p', { class: 'field-error', role: 'alert', id: 'link-form-error' });
    const uploadOnly = h('div', { class: 'upload-only' },
      field('link-max-size', 'Largest file (MB)', this.maxSize),
      field('link-types', 'Accepted file types', this.types, 'Comma-separated; empty accepts any.'));
    const sync = () => { uploadOnly.hidden = this.kind.value !== 'UploadRequest'; };
    this.kind.addEventListener('change', sync);
    sync();
    const form = h('form', { id: 'link-form', class: 'link-form' },
      field('link-kind', 'Kind', this.kind),
      h('div', { class: 'field-row' },
        field('link-days', 'Expires in (days)', this.days),
        field('link-uses', 'Maximum uses', this.uses)),
      field('link-password', 'Password (optional)', this.password, 'At least 8 characters. Send it separately from the link.'),
      field('link-description', 'Message', this.description),
      uploadOnly, this.formError,
      h('p', {}, h('button', { type: 'submit', class: 'button primary', id: 'link-create' }, icon('plus'), ' Create link')));
    form.addEventListener('submit', (e) => { e.preventDefault(); this.create(); });
    return form;
  }

  async create() {
    this.formError.textContent = '';
    const kind = this.kind.value;
    const days = Number(this.days.value);
    const body = {
      kind, connection: this.target.connection, bucket: this.target.bucket,
      expiresAt: new Date(Date.now() + days * 86400_000).toISOString(),
      description: this.description.value.trim() || undefined,
      password: this.password.value || undefined,
      maxUses: this.uses.value ? Number(this.uses.value) : undefined,
    };
    if (this.target.key) body.key = this.target.key;
    else body.prefix = this.target.prefix;
    if (kind === 'UploadRequest') {
      if (this.maxSize.value) body.maxFileSize = Math.round(Number(this.maxSize.value) * 1_000_000);
      const types = this.types.value.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
      if (types.length) body.allowedContentTypes = types;
    }
    try {
      const res = await api('POST', '/api/v1/links', { body });
      this.password.value = '';
      this.showCreated(res);
      announce('Link created. Copy it now: it is shown only once.');
      await this.refresh();
    } catch (err) {
      this.formError.textContent = `Could not create the link: ${describeError(err)}`;
    }
  }

  showCreated(res) {
    const url = linkURL(res.path);
    const input = h('input', { type: 'text', readonly: true, id: 'link-url', value: url, 'aria-label': 'The new link' });
    const copy = h('button', {
      type: 'button', class: 'button', id: 'link-copy',
      onclick: async () => {
        try {
          await navigator.clipboard.writeText(url);
          copy.textContent = 'Copied';
        } catch {
          input.select();
        }
      },
    }, 'Copy');
    this.result.hidden = false;
    replace(this.result,
      h('p', {}, icon('check'), ' ', h('strong', {}, 'Link created.'), ' Copy it now: it is shown only once.'),
      h('div', { class: 'copy-row' }, input, copy));
    input.focus();
    input.select();
  }

  async refresh() {
    this.listError.hidden = true;
    try {
      const res = await api('GET', '/api/v1/links', { params: { connection: this.target.connection, bucket: this.target.bucket, folder: this.folder } });
      const mine = res.links.filter((l) => (this.target.key ? l.key === this.target.key : !l.key));
      if (!mine.length) {
        replace(this.list, h('li', { class: 'muted' }, 'No links yet.'));
        return;
      }
      replace(this.list, mine.map((l) => this.row(l)));
    } catch (err) {
      this.listError.hidden = false;
      this.listError.textContent = `Could not list the links: ${describeError(err)}`;
    }
  }

  row(l) {
    const what = l.kind === 'UploadRequest' ? 'Upload request' : 'Download';
    const uses = l.maxUses ? `${l.uses} of ${l.maxUses} uses` : `${l.uses} uses`;
    const bits = [uses, `expires ${formatDate(l.expiresAt)}`];
    if (l.hasPassword) bits.push('password');
    if (l.maxFileSize) bits.push(`files up to ${formatBytes(l.maxFileSize)}`);
    const revoke = l.state === 'Active'
      ? h('button', { type: 'button', class: 'button small danger-outline', 'data-action': 'revoke', 'aria-label': `Revoke ${what.toLowerCase()} link ${l.name}`, onclick: () => this.revoke(l) }, 'Revoke')
      : null;
    return h('li', { class: 'link-item', dataset: { name: l.name, state: l.state } },
      h('div', {},
        h('strong', {}, what), ' ', h('span', { class: `chip state-${l.state.toLowerCase()}` }, stateText[l.state] || l.state),
        l.description ? h('p', { class: 'link-item-description' }, l.description) : null,
        h('p', { class: 'muted' }, bits.join(' · '))),
      revoke);
  }

  async revoke(l) {
    const ok = await confirmDialog({
      title: 'Revoke this link?',
      message: 'Whoever has it can no longer use it, from now on. This cannot be undone.',
      confirmLabel: 'Revoke', danger: true,
    });
    if (!ok) return;
    try {
      await api('POST', `/api/v1/links/${encodeURIComponent(l.namespace)}/${encodeURIComponent(l.name)}/revoke`);
      announce('Link revoked');
    } catch (err) {
      this.listError.hidden = false;
      this.listError.textContent = `Could not revoke the link: ${describeError(err)}`;
    }
    await this.refresh();
  }
}
