// Compare: pick runs (or a sweep, or an experiment) → the CER table in the style of the 3M paper's
// Tables 1–2 (rows: model, experts, parameters, FLOPs/s; columns: test set × decoding mode; best
// per column bold; relative change against a baseline row), copy as Markdown or CSV.
import { api } from './api.js';
import { html, raw, render, fixed, si, status, query, toast, esc } from './util.js';

export async function page(el) {
  const q = query();
  const sel = q.get('sweep') ? ['sweep', q.get('sweep')] : q.get('experiment') ? ['experiment', q.get('experiment')]
    : q.get('runs') ? ['runs', q.get('runs')] : null;
  const [runs, sweeps] = await Promise.all([api.get('/api/runs?size=200'), api.get('/api/sweeps').catch(() => [])]);
  const chosen = sel && sel[0] === 'runs' ? sel[1].split(',') : [];
  render(el, html`<h1>Compare</h1>
    <form id="pick" class="filters">
      <label>Runs <select name="runs" multiple size="6" style="min-width:340px">${runs.items.map(r => raw(`<option value="${r.id}" ${chosen.includes(String(r.id)) ? 'selected' : ''}>#${r.id} ${esc(r.name || '')} · ${esc(r.modelType || '')}${r.numExperts ? ' ' + r.numExperts + 'e' : ''} · ${r.status}</option>`))}</select></label>
      <label>or a sweep <select name="sweep"><option value=""></option>${sweeps.map(s => raw(`<option value="${s.id}" ${sel && sel[0] === 'sweep' && sel[1] === String(s.id) ? 'selected' : ''}>${esc(s.name)}</option>`))}</select></label>
      <button>Show table</button>
    </form>
    <div id="table"></div>`);
  el.querySelector('#pick').onsubmit = e => {
    e.preventDefault();
    const fd = new FormData(e.target);
    const p = new URLSearchParams();
    if (fd.get('sweep')) p.set('sweep', fd.get('sweep'));
    else p.set('runs', fd.getAll('runs').join(','));
    if (q.get('baseline')) p.set('baseline', q.get('baseline'));
    location.hash = '#/compare?' + p;
  };
  if (!sel) return;
  const p = new URLSearchParams([[sel[0], sel[1]]]);
  if (q.get('baseline')) p.set('baseline', q.get('baseline'));
  let t;
  try { t = await api.get('/api/results/compare?' + p); }
  catch (e) { render(el.querySelector('#table'), html`<p class="error" data-problem>${e.message}</p>`); return; }
  const sets = [...new Set(t.columns.map(c => c.testSet))];
  const change = c => c.changePct === null || c.changePct === undefined ? '' : html` <span class="muted change">(${c.changePct > 0 ? '+' : ''}${fixed(c.changePct, 1)}%)</span>`;
  render(el.querySelector('#table'), html`<table id="compare" class="paper">
    <thead><tr><th rowspan="2">baseline</th><th rowspan="2">run</th><th rowspan="2">model</th><th rowspan="2" class="num">experts</th><th rowspan="2" class="num">params</th><th rowspan="2" class="num">FLOPs/s</th>
      ${sets.map(s => html`<th colspan="${t.columns.filter(c => c.testSet === s).length}" style="text-align:center">${s}</th>`)}</tr>
      <tr>${t.columns.map(c => html`<th class="num" data-col="${c.key}">${c.mode}</th>`)}</tr></thead>
    <tbody>${t.rows.map(r => html`<tr class="${r.baseline ? 'baseline' : ''}" data-run="${r.run ?? ''}">
      <td>${r.run ? html`<input type="radio" name="baseline" value="${r.run}" ${r.baseline ? 'checked' : ''} title="relative change against this row">` : ''}</td>
      <td>${r.run ? html`<a href="#/runs/${r.run}">#${r.run}</a> ` : ''}${r.label || r.name || ''}${r.status !== 'COMPLETED' ? html` ${status(r.status)}` : ''}</td>
      <td>${r.modelType || ''}</td><td class="num">${r.experts ?? '–'}</td><td class="num">${si(r.parameters)}</td><td class="num">${si(r.flopsPerSecond)}</td>
      ${r.cells.map((c, i) => html`<td class="num" data-col="${t.columns[i].key}" data-cer="${c.cer ?? ''}">${c.cer === null || c.cer === undefined ? '' : c.best ? html`<strong>${fixed(c.cer)}</strong>` : fixed(c.cer)}${r.baseline ? '' : change(c)}</td>`)}
    </tr>`)}</tbody></table>
    <p class="muted">CER in %; best per column in bold; (±x%) relative change against the baseline row (pick one with the radio buttons).</p>
    <p><button id="copy-md">Copy as Markdown</button> <button id="copy-csv">Copy as CSV</button>
      <a href="/api/results/compare?${p}&format=csv" download="cer.csv">download CSV</a></p>
    <textarea id="copied" rows="8" cols="120" readonly hidden></textarea>`);
  el.querySelectorAll('input[name=baseline]').forEach(b => b.onchange = () => {
    const n = new URLSearchParams(p);
    n.set('baseline', b.value);
    location.hash = '#/compare?' + n;
  });
  const copy = async fmt => {
    const text = await api.text(`/api/results/compare?${p}&format=${fmt}`);
    const ta = el.querySelector('#copied');
    ta.hidden = false;
    ta.value = text;
    ta.dataset.format = fmt;
    try { await navigator.clipboard.writeText(text); toast(`copied as ${fmt === 'md' ? 'Markdown' : 'CSV'}`); }
    catch { ta.select(); toast('select and copy the text below'); }
  };
  el.querySelector('#copy-md').onclick = () => copy('md');
  el.querySelector('#copy-csv').onclick = () => copy('csv');
}
