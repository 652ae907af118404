// The upload queue: single PUTs for small files, parallel multipart uploads
// with retries and resume for large ones. It knows nothing of the page; the
// dialog listens to its "change", "filedone" and "filefailed" events.

import { api, ApiError, describeError } from './api.js';
import { put, sleep, TransferError } from './transfer.js';
import * as store from './resume.js';

/** settings can be changed by a page script before uploads start. */
export const settings = {
  // Files larger than this go multipart (S3's parts are at least 5 MiB).
  multipartThreshold: 16 * 1024 * 1024,
  // Parts of one file uploaded at once.
  partConcurrency: 4,
  // Files uploaded at once.
  fileConcurrency: 3,
  // Attempts per part after the first.
  partRetries: 4,
  // Part URLs signed per API call.
  signBatch: 16,
};

const aborted = () => new DOMException('Aborted', 'AbortError');
const isAbort = (err) => err && err.name === 'AbortError';

let counter = 0;
function newID() {
  counter += 1;
  return `${Date.now().toString(36)}-${counter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * apiRoutes are the upload calls of the partner API, on refs
 * {connection, bucket, key}. A recipient page passes its link's routes
 * instead (link-routes.js); there the server names the file, and upload and
 * create answer the ref to go on with.
 */
export const apiRoutes = {
  ref: (i) => ({ connection: i.connection, bucket: i.bucket, key: i.key }),
  upload: (ref, contentType, size, signal) => api('POST', '/api/v1/uploads', { body: { ...ref, contentType, size }, signal }),
  confirm: (ref) => api('POST', '/api/v1/uploads/confirm', { body: ref }),
  create: (ref, contentType, size) => api('POST', '/api/v1/multipart', { body: { ...ref, contentType, size } }),
  sign: (ref, uploadId, parts) => api('POST', '/api/v1/multipart/parts', { body: { ...ref, uploadId, parts } }),
  listParts: (ref, uploadId, signal) => api('GET', '/api/v1/multipart/parts', { params: { ...ref, uploadId }, signal }),
  complete: (ref, uploadId, parts) => api('POST', '/api/v1/multipart/complete', { body: { ...ref, uploadId, parts } }),
  abort: (ref, uploadId) => api('POST', '/api/v1/multipart/abort', { body: { ...ref, uploadId } }),
};

/** recordRef is the ref of a stored multipart record. */
const recordRef = (rec) => rec.ref || apiRoutes.ref(rec);

/** partSize is the size of part n of plan. */
export function partSize(plan, n) {
  return n === plan.parts ? plan.lastPartSize : plan.partSize;
}

/** Meter smooths a transfer rate over samples at least half a second apart. */
class Meter {
  constructor() { this.t = 0; this.bytes = 0; this.rate = 0; }

  sample(bytes, now) {
    if (!this.t) { this.t = now; this.bytes = bytes; return this.rate; }
    const dt = (now - this.t) / 1000;
    if (dt >= 0.5) {
      const r = Math.max(0, (bytes - this.bytes) / dt);
      this.rate = this.rate ? 0.7 * this.rate + 0.3 * r : r;
      this.t = now;
      this.bytes = bytes;
    }
    return this.rate;
  }
}

/** errorText names the key, what went wrong and the API's reason. */
function errorText(item, err) {
  const where = `${item.bucket}/${item.key}`;
  if (err instanceof ApiError) {
    const what = { 400: 'Refused', 403: 'Not allowed', 412: 'Already exists', 413: 'Too large', 415: 'File type not allowed', 504: 'Timed out' }[err.status] || 'Failed';
    const msg = err.message.includes(item.key) ? err.message : `${where}: ${err.message}`;
    return `${what} — ${msg}${err.reason ? ` (${err.reason})` : ''}`;
  }
  // A PUT signed with If-None-Match: * (the grant has no delete permission)
  // that found an object at its key.
  if (err instanceof TransferError && err.status === 412) return `Already exists — ${where} already exists; your grant does not allow replacing files`;
  if (err instanceof TransferError) return `Failed — ${where}: the storage endpoint answered ${err.message}`;
  return `Failed — ${where}: ${describeError(err)}`;
}

/** PartSigner gets presigned part URLs in batches and signs again before they expire. */
class PartSigner {
  constructor(routes, ref, uploadId, plan) {
    this.routes = routes;
    this.ref = ref;
    this.uploadId = uploadId;
    this.plan = plan;
    this.cache = new Map();
    this.lock = Promise.resolve();
  }

  get(n, upcoming, fresh) {
    const run = async () => {
      const cached = this.cache.get(n);
      if (!fresh && cached && Date.parse(cached.expiresAt) - Date.now() > 60_000) return cached;
      const batch = [n, ...upcoming.filter((m) => m !== n && !this.cache.has(m))].slice(0, settings.signBatch);
      const res = await this.routes.sign(this.ref, this.uploadId, batch.map((m) => ({ partNumber: m, size: partSize(this.plan, m) })));
      for (const p of res.parts) this.cache.set(p.partNumber, p);
      return this.cache.get(n);
    };
    const next = this.lock.then(run, run);
    this.lock = next.catch(() => {});
    return next;
  }

  forget(n) { this.cache.delete(n); }
}

/** UploadManager runs uploads; every item is {id, key, connection, bucket, file, size, loaded, state, error}. */
export class UploadManager extends EventTarget {
  constructor(user, routes = apiRoutes) {
    super();
    this.user = user;
    this.routes = routes;
    this.items = [];
    this.running = 0;
    this.totalMeter = new Meter();
    this.pendingChange = 0;
  }

  /** add queues files: entries are {file, connection, bucket, key}. */
  add(entries) {
    const added = entries.map((e) => this.item({ ...e, id: newID() }));
    this.pump();
    return added;
  }

  /** resume continues the multipart upload of record rec with file (the same file, checked by the caller). */
  resume(rec, file) {
    if (this.items.some((i) => i.id === rec.id && (i.state === 'queued' || i.state === 'uploading'))) return null;
    const item = this.item({ id: rec.id, file, connection: rec.connection, bucket: rec.bucket, key: rec.key, record: rec });
    item.multipart = true;
    this.pump();
    return item;
  }

  item(e) {
    const item = {
      id: e.id, file: e.file, connection: e.connection, bucket: e.bucket, key: e.key,
      size: e.file.size, loaded: 0, state: 'queued', error: '', retries: 0,
      multipart: e.file.size > settings.multipartThreshold, record: e.record || null,
      partsDone: 0, partsTotal: 0, controller: new AbortController(), meter: new Meter(), speed: 0, discarding: false,
    };
    this.items.push(item);
    this.changed();
    return item;
  }

  /** active says whether any upload is queued or running. */
  get active() {
    return this.items.some((i) => i.state === 'queued' || i.state === 'uploading');
  }

  /** cancel stops an upload; a multipart upload is aborted at S3. */
  cancel(item) {
    if (item.state !== 'queued' && item.state !== 'uploading') return;
    const wasQueued = item.state === 'queued';
    item.state = 'cancelled';
    item.controller.abort();
    if (wasQueued && item.record) {
      item.discarding = true;
      this.discard(item.record)
        .catch((e) => { item.error = `The partial upload could not be discarded: ${describeError(e)}`; })
        .finally(() => { item.discarding = false; this.changed(); });
    }
    this.changed();
  }

  cancelAll() {
    for (const i of this.items) this.cancel(i);
  }

  /** clearFinished drops the finished, failed and cancelled items from the list. */
  clearFinished() {
    this.items = this.items.filter((i) => i.state === 'queued' || i.state === 'uploading');
    this.changed();
  }

  /** discard aborts a multipart upload at S3 and forgets it. */
  async discard(rec) {
    try {
      await this.routes.abort(recordRef(rec), rec.uploadId);
    } catch (err) {
      // An upload S3 no longer knows needs no abort.
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    }
    store.remove(rec.id);
    this.changed();
  }

  /** totals sums the items that are not cancelled or failed. */
  totals() {
    let size = 0;
    let loaded = 0;
    let files = 0;
    let done = 0;
    let failed = 0;
    for (const i of this.items) {
      if (i.state === 'error') failed += 1;
      if (i.state === 'cancelled' || i.state === 'error') continue;
      files += 1;
      size += i.size;
      loaded += i.state === 'done' ? i.size : i.loaded;
      if (i.state === 'done') done += 1;
    }
    const now = performance.now();
    const speed = this.active ? this.totalMeter.sample(loaded, now) : 0;
    for (const i of this.items) i.speed = i.state === 'uploading' ? i.meter.sample(i.loaded, now) : 0;
    return { size, loaded, files, done, failed, speed, eta: speed > 0 ? (size - loaded) / speed : Infinity };
  }

  changed() {
    if (this.pendingChange) return;
    this.pendingChange = setTimeout(() => {
      this.pendingChange = 0;
      this.dispatchEvent(new Event('change'));
    }, 100);
  }

  emit(type, item) {
    this.dispatchEvent(new CustomEvent(type, { detail: item }));
  }

  pump() {
    while (this.running < settings.fileConcurrency) {
      const next = this.items.find((i) => i.state === 'queued');
      if (!next) break;
      this.running += 1;
      this.run(next).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  async run(item) {
    item.state = 'uploading';
    this.changed();
    try {
      if (item.multipart) await this.multipart(item);
      else await this.single(item);
      item.state = 'done';
      item.loaded = item.size;
      this.emit('filedone', item);
    } catch (err) {
      if (item.state === 'cancelled' || isAbort(err)) {
        item.state = 'cancelled';
      } else {
        item.state = 'error';
        item.status = err.status;
        item.error = errorText(item, err);
        this.emit('filefailed', item);
      }
    }
    this.changed();
  }

  progress(item, loaded) {
    item.loaded = Math.min(item.size, loaded);
    this.changed();
  }

  async single(item) {
    const { file } = item;
    const signal = item.controller.signal;
    const contentType = file.type || 'application/octet-stream';
    const ref = this.routes.ref(item);
    const res = await this.routes.upload(ref, contentType, file.size, signal);
    if (res.created) return; // an empty file: the server wrote it
    await put(res.upload, file, { onProgress: (n) => this.progress(item, n), signal });
    // The server checks the stored object against the grant and records
    // the upload as done.
    await this.routes.confirm(res.ref || ref);
  }

  async multipart(item) {
    const { file } = item;
    let ref = this.routes.ref(item);
    const outer = item.controller.signal;
    const done = new Map();
    let rec = item.record;
    const resuming = !!rec;
    if (!resuming) {
      const contentType = file.type || 'application/octet-stream';
      // Not abortable: once S3 has the upload, it must be known to abort it.
      const res = await this.routes.create(ref, contentType, file.size);
      ref = res.ref || ref;
      rec = {
        id: item.id, user: this.user, connection: item.connection, bucket: item.bucket, key: item.key, ref, uploadId: res.uploadId, contentType, plan: res.plan, parts: {},
        file: { name: file.name, size: file.size, lastModified: file.lastModified }, createdAt: Date.now(),
      };
      store.save(rec);
      item.record = rec;
    } else {
      ref = recordRef(rec);
    }
    try {
      if (outer.aborted) throw aborted();
      if (resuming) {
        // Resuming: only the parts S3 has, at their planned size, count as
        // uploaded. Inside the try, so that a cancel while listing aborts too.
        const listed = await this.routes.listParts(ref, rec.uploadId, outer);
        for (const p of listed.parts) {
          if (p.partNumber <= rec.plan.parts && p.size === partSize(rec.plan, p.partNumber)) done.set(p.partNumber, p.etag);
        }
      }
      await this.uploadParts(item, rec, done);
      if ([...done.values()].some((etag) => !etag)) {
        // The endpoint hid the ETag header from scripts: ask S3 for them.
        const listed = await this.routes.listParts(ref, rec.uploadId);
        for (const p of listed.parts) if (done.has(p.partNumber)) done.set(p.partNumber, p.etag);
      }
      const parts = [...done.entries()].sort((a, b) => a[0] - b[0]).map(([partNumber, etag]) => ({ partNumber, etag }));
      await this.routes.complete(ref, rec.uploadId, parts);
      store.remove(rec.id);
    } catch (err) {
      if (item.state === 'cancelled' || isAbort(err)) {
        item.state = 'cancelled';
        // While the abort is under way the record is not offered for resuming.
        item.discarding = true;
        try { await this.discard(rec); } catch (e) { item.error = `The partial upload could not be discarded: ${describeError(e)}`; }
        item.discarding = false;
      }
      // Otherwise the record stays, so that the upload can be resumed.
      throw err;
    }
  }

  async uploadParts(item, rec, done) {
    const plan = rec.plan;
    const ref = recordRef(rec);
    const inner = new AbortController();
    const stop = () => inner.abort();
    item.controller.signal.addEventListener('abort', stop, { once: true });
    const inflight = new Map();
    const report = () => {
      let loaded = 0;
      for (const n of done.keys()) loaded += partSize(plan, n);
      for (const v of inflight.values()) loaded += v;
      item.partsDone = done.size;
      this.progress(item, loaded);
    };
    item.partsTotal = plan.parts;
    report();
    const todo = [];
    for (let n = 1; n <= plan.parts; n++) if (!done.has(n)) todo.push(n);
    const signer = new PartSigner(this.routes, ref, rec.uploadId, plan);
    const worker = async () => {
      while (todo.length && !inner.signal.aborted) {
        const n = todo.shift();
        const etag = await this.uploadPart(item, signer, n, todo, inflight, report, inner.signal);
        inflight.delete(n);
        done.set(n, etag);
        store.markPart(rec.id, n, etag);
        report();
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(settings.partConcurrency, todo.length) }, () => worker().catch((err) => {
        inner.abort(); // one part failed for good: stop the others
        throw err;
      })));
    } finally {
      item.controller.signal.removeEventListener('abort', stop);
    }
  }

  async uploadPart(item, signer, n, upcoming, inflight, report, signal) {
    const plan = item.record.plan;
    const start = (n - 1) * plan.partSize;
    const blob = item.file.slice(start, start + partSize(plan, n));
    let fresh = false;
    for (let attempt = 0; ; attempt++) {
      if (signal.aborted) throw aborted();
      const req = await signer.get(n, upcoming, fresh);
      try {
        inflight.set(n, 0);
        const etag = await put(req, blob, { onProgress: (l) => { inflight.set(n, l); report(); }, signal });
        signer.forget(n);
        return etag;
      } catch (err) {
        inflight.set(n, 0);
        report();
        if (isAbort(err) || !(err instanceof TransferError) || attempt >= settings.partRetries) throw err;
        if (err.expired) fresh = true;
        else if (!err.retryable) throw err;
        item.retries += 1;
        this.changed();
        await sleep(Math.min(8000, 500 * 2 ** attempt) * (0.75 + Math.random() / 2), signal);
      }
    }
  }
}
