// The partner API, called with the session cookie. State-changing calls send
// the CSRF token the server set in the __Host-s3am_csrf cookie (s3am_csrf on
// a demo server whose cookies are not Secure).

/** ApiError is a failed call: the HTTP status, the API's reason code and its message. */
export class ApiError extends Error {
  constructor(status, reason, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.reason = reason;
  }
}

let unauthorizedHandler = () => {};

/** onUnauthorized sets what happens when the session has ended (a 401). */
export function onUnauthorized(fn) { unauthorizedHandler = fn; }

function csrfToken() {
  const tokens = {};
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    tokens[name] = rest.join('=');
  }
  const token = tokens['__Host-s3am_csrf'] ?? tokens.s3am_csrf ?? '';
  return decodeURIComponent(token);
}

/** query builds "?a=1&b=2", leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * request calls method url with an optional JSON body, query and headers,
 * and returns the decoded answer, or throws an ApiError with the server's
 * message. It adds no credential: api does, and the link pages send the
 * link's password.
 */
export async function request(method, url, { body, params, signal, headers: extra } = {}) {
  const headers = { Accept: 'application/json', ...extra };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let resp;
  try {
    resp = await fetch(url + query(params), {
      method, headers, signal, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NetworkError', 'The server could not be reached. Check your connection and try again.');
  }
  const text = await resp.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!resp.ok) {
    const message = (data && data.error) || `${resp.status} ${resp.statusText}`;
    throw new ApiError(resp.status, (data && data.reason) || '', message);
  }
  return data;
}

/**
 * api calls method path of the partner API with the session, and returns
 * the decoded answer, or throws an ApiError with the server's message.
 */
export async function api(method, path, { body, params, signal } = {}) {
  const headers = {};
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['X-CSRF-Token'] = token;
  }
  try {
    return await request(method, path, { body, params, signal, headers });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      unauthorizedHandler();
      throw new ApiError(401, 'Unauthenticated', 'Your session has ended. Sign in again.');
    }
    throw err;
  }
}

/** describeError turns an error into a sentence for people. */
export function describeError(err) {
  if (err instanceof ApiError) {
    return err.reason && err.reason !== 'NetworkError' ? `${err.message} (${err.reason})` : err.message;
  }
  return (err && err.message) || String(err);
}
