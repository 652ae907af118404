// The calls of a link's recipient page: /l/<token>/..., with the link's
// password when it has one. The password and the token stay in memory and
// in the page's URL; nothing of them is stored.

import { request } from './api.js';

/** LinkClient calls one link's routes. */
export class LinkClient {
  constructor(token) {
    this.base = `/l/${encodeURIComponent(token)}`;
    this.password = '';
  }

  call(method, path, opts = {}) {
    const headers = this.password ? { 'X-Link-Password': this.password } : {};
    return request(method, this.base + path, { ...opts, headers });
  }

  /**
   * routes are an UploadManager's calls through the link. The server names
   * each file (its name plus a tag, so nothing is ever replaced) and answers
   * the path to go on with; folders of a dropped folder are flattened.
   */
  routes() {
    const named = async (path, ref, contentType, size, signal) => {
      const res = await this.call('POST', path, { body: { filename: ref.filename, contentType, size }, signal });
      return { ...res, ref: { path: res.path } };
    };
    return {
      ref: (item) => ({ filename: item.key.split('/').pop() }),
      upload: (ref, contentType, size, signal) => named('/uploads', ref, contentType, size, signal),
      confirm: (ref) => this.call('POST', '/uploads/confirm', { body: { path: ref.path } }),
      create: (ref, contentType, size) => named('/multipart', ref, contentType, size),
      sign: (ref, uploadId, parts) => this.call('POST', '/multipart/parts', { body: { path: ref.path, uploadId, parts } }),
      listParts: (ref, uploadId, signal) => this.call('GET', '/multipart/parts', { params: { path: ref.path, uploadId }, signal }),
      complete: (ref, uploadId, parts) => this.call('POST', '/multipart/complete', { body: { path: ref.path, uploadId, parts } }),
      abort: (ref, uploadId) => this.call('POST', '/multipart/abort', { body: { path: ref.path, uploadId } }),
    };
  }
}

/** linkUser names a link's unfinished uploads in localStorage by the hash of its token, never the token. */
export async function linkUser(token) {
  try {
    const sum = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token));
    return `link:${[...new Uint8Array(sum)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  } catch {
    return 'link:unknown';
  }
}
