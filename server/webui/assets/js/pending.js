// Multipart uploads a reload interrupted: offered for resuming (pick the
// same file again) or discarding.

import { describeError } from './api.js';
import { h, icon, replace, fileInput } from './dom.js';
import { confirmDialog } from './dialogs.js';
import { formatBytes, formatDate } from './format.js';
import * as store from './resume.js';

/** PendingUploads renders the unfinished uploads of the signed-in user into el. */
export class PendingUploads {
  constructor(el, app) {
    this.el = el;
    this.app = app;
    this.signature = null;
    this.messages = new Map();
    app.uploads.addEventListener('change', () => this.render());
    window.addEventListener('storage', () => this.render(true));
    this.render();
  }

  records() {
    const active = new Set(this.app.uploads.items
      .filter((i) => i.state === 'queued' || i.state === 'uploading' || i.discarding).map((i) => i.id));
    return store.list(this.app.me.user).filter((r) => !active.has(r.id));
  }

  render(force) {
    const recs = this.records();
    const signature = recs.map((r) => `${r.id}:${Object.keys(r.parts || {}).length}`).join(',') + [...this.messages.values()].join('|');
    if (!force && signature === this.signature) return;
    this.signature = signature;
    this.el.hidden = recs.length === 0;
    if (!recs.length) { this.el.replaceChildren(); return; }
    replace(this.el,
      h('h2', {}, icon('pause'), ' Unfinished uploads'),
      h('p', { class: 'hint' }, 'These uploads stopped before they finished. To resume one, choose the same file again: only the missing parts are sent.'),
      h('ul', { class: 'pending-list' }, recs.map((r) => this.row(r))));
  }

  row(rec) {
    const done = Object.keys(rec.parts || {}).length;
    const input = fileInput({ id: `resume-${rec.id}`, dataset: { resume: rec.id } });
    input.addEventListener('change', () => {
      const file = input.files[0];
      input.value = '';
      if (!file) return;
      if (!store.sameFile(rec, file)) {
        this.messages.set(rec.id, `That is not the file this upload started with: choose ${rec.file.name} (${formatBytes(rec.file.size)}, modified ${formatDate(new Date(rec.file.lastModified).toISOString())}).`);
        this.render(true);
        return;
      }
      this.messages.delete(rec.id);
      this.app.uploads.resume(rec, file);
      this.app.dialog.open();
      this.render(true);
    });
    const message = this.messages.get(rec.id);
    return h('li', { class: 'pending-item', dataset: { id: rec.id } },
      h('div', {},
        h('strong', {}, `${rec.bucket}/${rec.key}`),
        h('p', { class: 'muted' }, `${formatBytes(rec.file.size)} · ${done} of ${rec.plan.parts} parts uploaded · started ${formatDate(new Date(rec.createdAt).toISOString())}`),
        message ? h('p', { class: 'field-error', role: 'alert' }, message) : null),
      h('div', { class: 'pending-actions' },
        h('label', { class: 'button primary small' }, 'Resume…', input),
        h('button', { type: 'button', class: 'button small', onclick: () => this.discard(rec) }, 'Discard')));
  }

  async discard(rec) {
    const ok = await confirmDialog({
      title: `Discard the upload of ${rec.file.name}?`,
      message: `The parts already uploaded to ${rec.bucket}/${rec.key} are deleted.`,
      confirmLabel: 'Discard', danger: true,
    });
    if (!ok) return;
    try {
      await this.app.uploads.discard(rec);
      this.messages.delete(rec.id);
    } catch (err) {
      this.messages.set(rec.id, `Could not discard: ${describeError(err)}`);
    }
    this.render(true);
  }
}
