// Small DOM helpers: escaping, element building, number formats.
export function esc(s) {
  return String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

/** Tagged template that escapes interpolated values unless they are raw(...) fragments. */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((v, i) => {
    if (Array.isArray(v)) out += v.map(x => (x instanceof Raw ? x.s : esc(x))).join('');
    else out += v instanceof Raw ? v.s : esc(v);
    out += strings[i + 1];
  });
  return new Raw(out);
}
class Raw { constructor(s) { this.s = s; } toString() { return this.s; } }
export const raw = s => new Raw(s);

export function render(el, fragment) { el.innerHTML = fragment.toString(); return el; }

export function si(n, digits = 2) {
  if (n === null || n === undefined) return '';
  const a = Math.abs(n);
  if (a >= 1e9) return (n / 1e9).toFixed(digits) + 'G';
  if (a >= 1e6) return (n / 1e6).toFixed(digits) + 'M';
  if (a >= 1e3) return (n / 1e3).toFixed(digits) + 'k';
  return String(n);
}
export function bytes(n) {
  if (n === null || n === undefined) return '';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0; let v = n;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return (i ? v.toFixed(1) : v) + ' ' + u[i];
}
export function fixed(n, d = 2) { return n === null || n === undefined ? '' : Number(n).toFixed(d); }
export function duration(s) {
  if (s === null || s === undefined) return '';
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(r).padStart(2, '0')}s` : `${r}s`;
}
export function when(t) { return t ? new Date(t).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' }) : ''; }
export const status = s => html`<span class="status status-${s}">${s}</span>`;

export function toast(msg) {
  const t = document.createElement('div');
  t.className = 'toast';
  t.textContent = msg;
  document.body.append(t);
  setTimeout(() => t.remove(), 2500);
}

/** Problems of a failed request as a list (field, line, message). */
export function problems(e) {
  const items = (e.errors || []).map(x => html`<li>${x.field ? x.field + ': ' : ''}${x.line ? 'line ' + x.line + ': ' : ''}${x.message}</li>`);
  return html`<div class="problems" data-problem><strong>${e.message}</strong>${items.length ? html`<ul>${items}</ul>` : ''}</div>`;
}

export function query() {
  const h = location.hash;
  const i = h.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : h.slice(i + 1));
}
