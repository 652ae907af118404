// PUTs straight to S3 through presigned URLs, with progress. XMLHttpRequest
// because fetch cannot report upload progress.

/** TransferError is a failed PUT: status 0 for a network failure. */
export class TransferError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'TransferError';
    this.status = status;
    this.code = code;
  }

  /** retryable says whether trying the same request again may succeed. */
  get retryable() {
    return this.status === 0 || this.status === 408 || this.status === 429 || this.status >= 500 ||
      this.code === 'RequestTimeout' || this.code === 'SlowDown';
  }

  /** expired says whether the presigned URL has run out and must be signed again. */
  get expired() {
    return this.status === 403 && (this.code === 'AccessDenied' || this.code === 'ExpiredToken' ||
      this.code === 'RequestExpired' || /expired/i.test(this.message));
  }
}

/** s3Error reads the Code and Message of an S3 XML error body. */
function s3Error(status, text) {
  let code = '';
  let message = '';
  try {
    const doc = new DOMParser().parseFromString(text || '', 'application/xml');
    code = doc.querySelector('Code')?.textContent || '';
    message = doc.querySelector('Message')?.textContent || '';
  } catch { /* not XML */ }
  return new TransferError(status, code, message ? `${code}: ${message}` : `storage answered ${status}`);
}

/**
 * put sends body to the presigned request req ({url, method, headers}).
 * onProgress(loaded) reports the bytes sent; signal aborts. It resolves with
 * the ETag S3 answered ('' when the endpoint does not expose it to scripts).
 */
export function put(req, body, { onProgress, signal } = {}) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new DOMException('Aborted', 'AbortError')); return; }
    const xhr = new XMLHttpRequest();
    xhr.open(req.method || 'PUT', req.url);
    for (const [k, v] of Object.entries(req.headers || {})) {
      const name = k.toLowerCase();
      if (name !== 'host' && name !== 'content-length') xhr.setRequestHeader(k, v);
    }
    const abort = () => xhr.abort();
    signal?.addEventListener('abort', abort, { once: true });
    const done = () => signal?.removeEventListener('abort', abort);
    xhr.upload.onprogress = (e) => onProgress?.(e.loaded);
    xhr.onload = () => {
      done();
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress?.(body.size);
        resolve((xhr.getResponseHeader('ETag') || '').replaceAll('"', ''));
      } else {
        reject(s3Error(xhr.status, xhr.responseText));
      }
    };
    xhr.onerror = () => { done(); reject(new TransferError(0, 'NetworkError', 'the storage endpoint could not be reached')); };
    xhr.ontimeout = () => { done(); reject(new TransferError(0, 'Timeout', 'the storage endpoint did not answer in time')); };
    xhr.onabort = () => { done(); reject(new DOMException('Aborted', 'AbortError')); };
    xhr.send(body);
  });
}

/** sleep waits ms, or less when signal aborts. */
export function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(t); reject(new DOMException('Aborted', 'AbortError')); }, { once: true });
  });
}
