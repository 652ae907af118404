// Files from a drop or a file input, with their paths relative to what was
// chosen, so that a dropped folder keeps its structure.

/**
 * filesFromDrop returns [{file, path}] for a DataTransfer. It must be called
 * in the drop handler itself: the browser empties the DataTransfer after it.
 */
export function filesFromDrop(dt) {
  // Read every item now, synchronously; walking folders comes later.
  const items = [...(dt.items || [])].filter((i) => i.kind === 'file');
  const entries = items.map((i) => (typeof i.webkitGetAsEntry === 'function' ? i.webkitGetAsEntry() : null));
  const files = items.map((i) => i.getAsFile());
  if (!items.length) return Promise.resolve([...(dt.files || [])].map((file) => ({ file, path: file.name })));
  return (async () => {
    const out = [];
    for (let i = 0; i < items.length; i++) {
      if (entries[i]) await walk(entries[i], '', out);
      else if (files[i]) out.push({ file: files[i], path: files[i].name });
    }
    return out;
  })();
}

async function walk(entry, dir, out) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    out.push({ file, path: dir + entry.name });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = entry.createReader();
  // readEntries answers in batches (100 in Chrome) until it answers none.
  for (;;) {
    const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) break;
    for (const e of batch) await walk(e, `${dir}${entry.name}/`, out);
  }
}

/** filesFromInput returns [{file, path}] for a file input, folders included. */
export function filesFromInput(input) {
  return [...(input.files || [])].map((file) => ({ file, path: file.webkitRelativePath || file.name }));
}

/** hasFiles says whether a drag carries files (and not text or a link). */
export function hasFiles(e) {
  return !!e.dataTransfer && [...(e.dataTransfer.types || [])].includes('Files');
}
