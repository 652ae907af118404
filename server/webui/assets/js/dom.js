// Small DOM helpers. Text always goes in as text nodes, never as HTML, so
// names of files and folders cannot inject markup.

/**
 * h creates an element: h('a', {href: '/', class: 'x', onclick: fn}, 'text', child).
 * Attributes that are null, undefined or false are left out; true sets an
 * empty attribute.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value' && 'value' in el) el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

/** replace empties el and appends children. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** icon is a decorative icon (see .icon-* in app.css), hidden from screen readers. */
export function icon(name) {
  return h('span', { class: `icon icon-${name}`, 'aria-hidden': 'true' });
}

/** announce tells screen-reader users about something that happened. */
export function announce(message) {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  // A fresh text node in a later task makes repeated messages heard again.
  setTimeout(() => { live.textContent = message; }, 50);
}

/** visuallyHiddenFileInput is a file input that a <label> styled as a button opens. */
export function fileInput(attrs) {
  return h('input', { type: 'file', class: 'visually-hidden', ...attrs });
}

/** openURL follows url in this tab without keeping it anywhere: a presigned download, used once. */
export function openURL(url) {
  const a = h('a', { href: url, rel: 'noreferrer', class: 'visually-hidden' });
  document.body.append(a);
  a.click();
  a.remove();
}
