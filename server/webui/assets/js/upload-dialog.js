// The upload dialog: where files go, a drop zone and file pickers, and the
// progress of every file and of them all.

import { h, icon, announce, fileInput } from './dom.js';
import { filesFromDrop, filesFromInput, hasFiles } from './drop.js';
import { formatBytes, formatSpeed, formatDuration, plural } from './format.js';

/** UploadDialog shows the uploads of an UploadManager. */
export class UploadDialog {
  constructor(manager) {
    this.manager = manager;
    this.destination = null;
    this.rows = new Map();
    this.build();
    manager.addEventListener('change', () => this.update());
    manager.addEventListener('filedone', (e) => announce(`${e.detail.key} uploaded`));
    manager.addEventListener('filefailed', (e) => announce(e.detail.error));
  }

  build() {
    this.destText = h('code', { id: 'upload-destination' });
    this.fileInput = fileInput({ id: 'file-input', multiple: true });
    this.folderInput = fileInput({ id: 'folder-input', webkitdirectory: true });
    this.fileInput.addEventListener('change', () => this.pick(this.fileInput));
    this.folderInput.addEventListener('change', () => this.pick(this.folderInput));
    this.dropzone = h('div', { id: 'dropzone', class: 'dropzone' },
      h('p', { class: 'dropzone-title' }, icon('upload'), ' Drag and drop files or folders here'),
      // Each input inside its label, so that the label shows the input's focus.
      h('p', {}, 'or ',
        h('label', { class: 'button' }, 'Choose files', this.fileInput), ' ',
        h('label', { class: 'button' }, 'Choose a folder', this.folderInput)));
    this.dropzone.addEventListener('dragover', (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      this.dropzone.classList.add('over');
    });
    this.dropzone.addEventListener('dragleave', () => this.dropzone.classList.remove('over'));
    this.dropzone.addEventListener('drop', (e) => {
      e.preventDefault();
      this.dropzone.classList.remove('over');
      this.addDropped(e.dataTransfer);
    });
    this.totalBar = h('progress', { id: 'upload-total', max: '100', value: '0', 'aria-labelledby': 'upload-total-label' });
    this.totalText = h('p', { id: 'upload-total-text', class: 'upload-total-text' });
    this.summary = h('section', { class: 'upload-summary', hidden: true },
      h('h3', { id: 'upload-total-label' }, 'Total progress'), this.totalBar, this.totalText);
    this.list = h('ul', { id: 'upload-list', class: 'upload-list', 'aria-label': 'Files' });
    this.cancelAll = h('button', { type: 'button', class: 'button', onclick: () => this.manager.cancelAll() }, 'Cancel all');
    this.clearButton = h('button', { type: 'button', class: 'button', onclick: () => this.manager.clearFinished() }, 'Clear finished');
    const close = h('button', { type: 'button', class: 'button primary', id: 'upload-close', onclick: () => this.dialog.close() }, 'Close');
    this.dialog = h('dialog', { id: 'upload-dialog', class: 'modal', 'aria-labelledby': 'upload-title' },
      h('div', { class: 'modal-head' },
        h('h2', { id: 'upload-title' }, 'Upload files'),
        h('button', { type: 'button', class: 'icon-button', 'aria-label': 'Close', onclick: () => this.dialog.close() }, '×')),
      h('p', { class: 'destination' }, icon('folder'), ' Upload destination: ', this.destText),
      this.dropzone, this.summary, this.list,
      h('p', { class: 'hint' }, 'Uploads go on when this dialog is closed. Large files upload in parts and can resume after a reload.'),
      h('div', { class: 'modal-actions' }, this.clearButton, this.cancelAll, close));
    document.body.append(this.dialog);
  }

  /** open shows the dialog for uploads into {connection, bucket, prefix}; without it, as it was. */
  open(destination) {
    if (destination) this.setDestination(destination);
    this.dropzone.hidden = !this.destination;
    this.update();
    if (!this.dialog.open) this.dialog.showModal();
  }

  /** setDestination sets where new files go, without opening the dialog. */
  setDestination(destination) {
    this.destination = destination;
    this.destText.textContent = `${destination.bucket}/${destination.prefix}`;
  }

  /** addDropped queues what was dropped, into the current destination. */
  addDropped(dataTransfer) {
    const dest = this.destination;
    if (!dest) return;
    filesFromDrop(dataTransfer).then((files) => this.add(dest, files));
  }

  pick(input) {
    if (this.destination) this.add(this.destination, filesFromInput(input));
    input.value = '';
  }

  add(dest, files) {
    if (!files.length) return;
    this.manager.add(files.map(({ file, path }) => ({
      file, connection: dest.connection, bucket: dest.bucket, key: dest.prefix + path,
    })));
    announce(`${plural(files.length, 'file', 'files')} added to the uploads`);
  }

  update() {
    const items = this.manager.items;
    const t = this.manager.totals();
    for (const [id, row] of this.rows) {
      if (!items.some((i) => i.id === id && i === row.item)) { row.el.remove(); this.rows.delete(id); }
    }
    for (const item of items) {
      let row = this.rows.get(item.id);
      if (!row || row.item !== item) {
        row?.el.remove();
        row = this.row(item);
        this.rows.set(item.id, row);
        this.list.append(row.el);
      }
      this.updateRow(row);
    }
    this.summary.hidden = items.length === 0;
    const pct = t.size ? Math.floor((t.loaded / t.size) * 100) : (t.files ? 100 : 0);
    this.totalBar.value = pct;
    const parts = t.files
      ? [`${pct} %`, `${t.done} of ${plural(t.files, 'file', 'files')} uploaded`, `${formatBytes(t.loaded)} of ${formatBytes(t.size)}`]
      : [];
    if (this.manager.active && t.speed) parts.push(formatSpeed(t.speed), `${formatDuration(t.eta)} left`);
    if (t.failed) parts.push(`${t.failed} failed`);
    this.totalText.textContent = parts.join(' · ');
    this.cancelAll.disabled = !this.manager.active;
    this.clearButton.disabled = !items.some((i) => i.state !== 'queued' && i.state !== 'uploading');
  }

  row(item) {
    const name = item.key.split('/').pop();
    const bar = h('progress', { max: '100', value: '0', 'aria-label': `Progress of ${name}` });
    const status = h('p', { class: 'upload-status' });
    const cancel = h('button', { type: 'button', class: 'button small', 'aria-label': `Cancel upload of ${name}`, onclick: () => this.manager.cancel(item) }, 'Cancel');
    const el = h('li', { class: 'upload-item', dataset: { key: item.key } },
      h('div', { class: 'upload-name' }, icon('file'), h('span', { class: 'name' }, name),
        h('span', { class: 'upload-key' }, item.key)),
      bar, status, cancel);
    return { item, el, bar, status, cancel };
  }

  updateRow(row) {
    const i = row.item;
    row.el.dataset.state = i.state;
    const pct = i.size ? Math.floor((i.loaded / i.size) * 100) : (i.state === 'done' ? 100 : 0);
    row.bar.value = i.state === 'done' ? 100 : pct;
    row.cancel.hidden = !(i.state === 'queued' || i.state === 'uploading');
    let text;
    switch (i.state) {
      case 'queued': text = `Waiting · ${formatBytes(i.size)}`; break;
      case 'uploading': {
        const bits = [`${pct} %`, `${formatBytes(i.loaded)} of ${formatBytes(i.size)}`];
        if (i.multipart && i.partsTotal) bits.push(`part ${i.partsDone} of ${i.partsTotal} done`);
        if (i.speed) bits.push(formatSpeed(i.speed), `${formatDuration((i.size - i.loaded) / i.speed)} left`);
        if (i.retries) bits.push(`${plural(i.retries, 'retry', 'retries')}`);
        text = bits.join(' · ');
        break;
      }
      case 'done': text = `Uploaded · ${formatBytes(i.size)}`; break;
      case 'cancelled':
        if (i.error) text = i.error;
        else if (i.discarding) text = 'Cancelling: deleting the parts already uploaded…';
        else text = i.record ? 'Cancelled · the parts already uploaded were deleted' : 'Cancelled';
        break;
      default: text = i.error;
    }
    if (row.status.textContent !== text) row.status.textContent = text;
    row.status.setAttribute('role', i.state === 'error' ? 'alert' : 'status');
    row.el.classList.toggle('failed', i.state === 'error');
  }
}

/** dropTarget makes el accept dropped files: onDrop(dataTransfer) is called in the drop handler. */
export function dropTarget(el, onDrop) {
  let depth = 0;
  el.addEventListener('dragenter', (e) => { if (hasFiles(e)) { depth++; el.classList.add('drop-over'); } });
  el.addEventListener('dragleave', () => { depth = Math.max(0, depth - 1); if (!depth) el.classList.remove('drop-over'); });
  el.addEventListener('dragover', (e) => { if (hasFiles(e)) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; } });
  el.addEventListener('drop', (e) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth = 0;
    el.classList.remove('drop-over');
    onDrop(e.dataTransfer);
  });
}

