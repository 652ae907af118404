// Multipart uploads in progress, kept in localStorage so that an upload can
// resume after a reload. A record holds the upload ID, the key, the file's
// identity (name, size, last modified) and the part plan and ETags: no
// presigned URL and no token, which live in memory only.

const storageKey = 's3am.multipart.v1';

function readAll() {
  try {
    const v = JSON.parse(localStorage.getItem(storageKey) || '{}');
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

function writeAll(all) {
  try {
    localStorage.setItem(storageKey, JSON.stringify(all));
  } catch { /* storage full or disabled: the upload still runs, only resuming is lost */ }
}

/** list returns the records of user, oldest first. */
export function list(user) {
  return Object.values(readAll()).filter((r) => r.user === user).sort((a, b) => a.createdAt - b.createdAt);
}

/** get returns the record id, or null. */
export function get(id) {
  return readAll()[id] || null;
}

/** save stores rec under rec.id. */
export function save(rec) {
  const all = readAll();
  all[rec.id] = rec;
  writeAll(all);
}

/** markPart records that part n was uploaded with etag. */
export function markPart(id, n, etag) {
  const all = readAll();
  const rec = all[id];
  if (!rec) return;
  rec.parts = rec.parts || {};
  rec.parts[n] = etag;
  writeAll(all);
}

/** remove forgets the record id. */
export function remove(id) {
  const all = readAll();
  delete all[id];
  writeAll(all);
}

/** sameFile says whether file is the one rec was started with. */
export function sameFile(rec, file) {
  return file.name === rec.file.name && file.size === rec.file.size && file.lastModified === rec.file.lastModified;
}
