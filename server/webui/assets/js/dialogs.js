// Modal dialogs built on <dialog>, which traps focus and closes with Escape.

import { h } from './dom.js';

/** confirmDialog asks a yes/no question; resolves true when confirmed. */
export function confirmDialog({ title, message, confirmLabel = 'OK', danger = false }) {
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'button', class: 'button', value: 'cancel' }, 'Cancel');
    const ok = h('button', { type: 'button', class: `button ${danger ? 'danger' : 'primary'}`, value: 'ok' }, confirmLabel);
    const d = h('dialog', { class: 'modal small', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-message' },
      h('h2', { id: 'confirm-title' }, title),
      h('p', { id: 'confirm-message' }, message),
      h('div', { class: 'modal-actions' }, cancel, ok));
    let answer = false;
    cancel.addEventListener('click', () => d.close());
    ok.addEventListener('click', () => { answer = true; d.close(); });
    d.addEventListener('close', () => { d.remove(); resolve(answer); });
    document.body.append(d);
    d.showModal();
    cancel.focus(); // the safe choice is the default
  });
}

/** promptDialog asks for one line of text; validate returns an error message or ''. */
export function promptDialog({ title, label, hint, confirmLabel = 'OK', validate = () => '' }) {
  return new Promise((resolve) => {
    const input = h('input', { type: 'text', id: 'prompt-input', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'prompt-hint prompt-error' });
    const error = h('p', { id: 'prompt-error', class: 'field-error', role: 'alert' });
    const form = h('form', { method: 'dialog' },
      h('h2', { id: 'prompt-title' }, title),
      h('label', { for: 'prompt-input' }, label),
      input,
      h('p', { id: 'prompt-hint', class: 'hint' }, hint || ''),
      error,
      h('div', { class: 'modal-actions' },
        h('button', { type: 'button', class: 'button', value: 'cancel', onclick: () => d.close() }, 'Cancel'),
        h('button', { type: 'submit', class: 'button primary' }, confirmLabel)));
    const d = h('dialog', { class: 'modal small', 'aria-labelledby': 'prompt-title' }, form);
    let answer = null;
    form.addEventListener('submit', (e) => {
      const problem = validate(input.value);
      if (problem) {
        e.preventDefault();
        error.textContent = problem;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      answer = input.value;
    });
    d.addEventListener('close', () => { d.remove(); resolve(answer); });
    document.body.append(d);
    d.showModal();
    input.focus();
  });
}
