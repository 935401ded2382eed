// A YAML text area with line numbers; errors ({field, line, message}) are shown under their lines
// in a read-only view beside the editor, so each message sits next to the offending line.
import { html, render } from './util.js';

export function yamlEditor(el, text) {
  render(el, html`<div class="editor"><div class="gutter"></div><textarea spellcheck="false" name="recipe" id="recipe"></textarea></div>
    <div class="yaml-errors" id="yaml-errors"></div>`);
  const ta = el.querySelector('textarea');
  const gutter = el.querySelector('.gutter');
  const view = el.querySelector('#yaml-errors');
  const sync = () => {
    const n = ta.value.split('\n').length;
    gutter.textContent = Array.from({ length: n }, (_, i) => i + 1).join('\n');
    ta.style.height = (Math.max(n, 20) * 16 + 10) + 'px';
  };
  ta.addEventListener('input', sync);
  const api = {
    get: () => ta.value,
    set: t => { ta.value = t; sync(); view.innerHTML = ''; },
    errors: list => {
      if (!list.length) { view.innerHTML = ''; return; }
      const byLine = new Map();
      list.forEach(e => byLine.set(e.line, [...(byLine.get(e.line) || []), e]));
      const lines = ta.value.split('\n');
      // the offending lines with three lines of context each; gaps elided
      const shown = new Set();
      list.forEach(e => { for (let i = e.line - 4; i <= e.line + 2; i++) if (i >= 0 && i < lines.length) shown.add(i); });
      const rows = [];
      let last = -1;
      [...shown].sort((a, b) => a - b).forEach(i => {
        if (i > last + 1) rows.push(html`<div class="ln">⋯</div><div class="tx muted"></div>`);
        last = i;
        const errs = byLine.get(i + 1);
        rows.push(html`<div class="ln ${errs ? 'bad' : ''}">${i + 1}</div><div class="tx ${errs ? 'bad' : ''}">${lines[i] || ' '}</div>${(errs || []).map(e =>
          html`<div class="ln bad"></div><div class="msg" data-line="${e.line}">▲ ${e.field}: ${e.message}</div>`)}`);
      });
      const unplaced = list.filter(e => e.line > lines.length);
      render(view, html`<h2 class="error">Recipe problems, at their lines</h2><div class="yaml-view">${rows}</div>${unplaced.map(e => html`<p class="error">${e.field}: line ${e.line}: ${e.message}</p>`)}`);
      view.querySelector('.msg')?.scrollIntoView({ block: 'center' });
    },
  };
  api.set(text);
  return api;
}
