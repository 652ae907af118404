// Folders made with "New folder" that hold no file yet. S3 has no empty
// folders (and the API refuses "folder/" keys), so a new folder is saved
// with its first file. Until then it is kept in sessionStorage: it survives
// a reload, back and forward in this tab, and is gone with the tab.

const storageKey = 's3am.new-folders.v1';

function readAll() {
  try {
    const v = JSON.parse(sessionStorage.getItem(storageKey) || '[]');
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

function writeAll(all) {
  try {
    sessionStorage.setItem(storageKey, JSON.stringify(all));
  } catch { /* storage disabled: the folder lives until the page is left */ }
}

const same = (a, b) => a.user === b.user && a.connection === b.connection && a.bucket === b.bucket && a.prefix === b.prefix;

/** remember keeps the new folder {user, connection, bucket, prefix} (prefix ends in "/"). */
export function remember(folder) {
  const all = readAll();
  if (!all.some((f) => same(f, folder))) all.push(folder);
  writeAll(all);
}

/** isNew says whether {user, connection, bucket, prefix} is a new folder not saved yet. */
export function isNew(folder) {
  return readAll().some((f) => same(f, folder));
}

/** childrenOf returns the new folders directly inside {user, connection, bucket, prefix}. */
export function childrenOf({ user, connection, bucket, prefix }) {
  return readAll()
    .filter((f) => f.user === user && f.connection === connection && f.bucket === bucket)
    .map((f) => f.prefix)
    .filter((p) => p.startsWith(prefix) && p !== prefix && !p.slice(prefix.length, -1).includes('/'));
}

/** saved forgets the new folders that key (a file or a real folder) lies in: S3 has them now. */
export function saved({ user, connection, bucket, key }) {
  const all = readAll();
  const rest = all.filter((f) => !(f.user === user && f.connection === connection && f.bucket === bucket && key.startsWith(f.prefix)));
  if (rest.length !== all.length) writeAll(rest);
}
