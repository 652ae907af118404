// The caller's grant roots (GET /api/v1/me) and what they allow where.

/** covers mirrors the server's rule: a prefix ending in "/" covers keys under it; "" covers the bucket. */
export function covers(prefix, key) {
  return prefix === '' || key.startsWith(prefix);
}

/** rootsAt are the roots on connection/bucket that cover prefix. */
export function rootsAt(roots, connection, bucket, prefix) {
  return roots.filter((r) => r.connection === connection && r.bucket === bucket && covers(r.prefix, prefix));
}

/** homeRoot is the deepest root covering prefix: the breadcrumb's home. */
export function homeRoot(roots, connection, bucket, prefix) {
  let best = null;
  for (const r of rootsAt(roots, connection, bucket, prefix)) {
    if (!best || r.prefix.length > best.prefix.length) best = r;
  }
  return best;
}

/** permissionsAt is the set of permissions the roots covering prefix give. */
export function permissionsAt(roots, connection, bucket, prefix) {
  const set = new Set();
  for (const r of rootsAt(roots, connection, bucket, prefix)) {
    for (const p of r.permissions) set.add(p);
  }
  return set;
}

/** browseURL is the app's URL of a folder. */
export function browseURL(connection, bucket, prefix) {
  const q = new URLSearchParams({ connection, bucket, prefix });
  return `/browse?${q}`;
}

export const permissionText = {
  list: 'browse folders',
  read: 'download files',
  write: 'upload files',
  delete: 'delete files',
};

export const permissionOrder = ['list', 'read', 'write', 'delete'];
