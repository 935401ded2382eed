// Sweeps: list, create (base recipe, grid values, variants, now or cron, concurrency cap, early
// stopping), pause/resume/delete; per sweep its points, the runs stopped early and why, and CER
// against experts, parameters and FLOPs/s (the Pareto view) with early-stopped runs marked.
import { api } from './api.js';
import { html, raw, render, fixed, si, when, status, problems, toast, esc } from './util.js';
import { yamlEditor } from './yaml.js';
import { pareto } from './charts.js';

export async function list(el) {
  const [sweeps, templates, sets] = await Promise.all([api.get('/api/sweeps'), api.get('/api/ui/recipes'), api.get('/api/datasets')]);
  const names = sets.map(s => s.name);
  const opt = pref => names.map(x => raw(`<option ${x === pref ? 'selected' : ''}>${esc(x)}</option>`));
  render(el, html`<h1>Sweeps</h1>
    <table id="sweeps"><thead><tr><th class="num">id</th><th>name</th><th>status</th><th>schedule</th><th>next firing</th><th class="num">points</th>
      <th>planned / queued / running / completed / failed / cancelled</th><th class="num">max concurrent</th><th>early stopping</th><th>created</th></tr></thead>
    <tbody>${sweeps.map(s => html`<tr data-id="${s.id}"><td class="num">${s.id}</td><td><a href="#/sweeps/${s.id}">${s.name}</a></td><td>${status(s.status)}</td>
      <td class="mono">${s.schedule || 'once'}${s.schedule ? ' ' + s.timeZone : ''}</td><td>${when(s.nextFireAt)}</td><td class="num">${s.points}</td>
      <td>${['PLANNED', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'].map(k => s.counts?.[k] ?? 0).join(' / ')}</td>
      <td class="num">${s.maxConcurrent || '∞'}</td><td>${s.earlyStopping ? 'median rule' : ''}</td><td>${when(s.createdAt)}</td></tr>`)}</tbody></table>
    ${sweeps.length ? '' : html`<p class="muted">No sweeps yet.</p>`}
    <h2>New sweep</h2>
    <form id="create-sweep">
      <div class="row">
        <label>Name <input name="name" required size="24"></label>
        <label>Description <input name="description" size="30"></label>
        <label>Train <select name="train">${opt('tiny-cmn/train')}</select></label>
        <label>Dev <select name="dev">${opt('tiny-cmn/dev')}</select></label>
        <label>Test sets <select name="test" multiple size="3">${opt('tiny-cmn/test')}</select></label>
      </div>
      <div class="row">
        <label>Base recipe template <select id="template"><option value="">(blank)</option>${templates.map(t => html`<option value="${t.name}">${t.name}</option>`)}</select></label>
        <label>Grid: one <code>path: v1, v2, …</code> per line
          <textarea name="grid" rows="3" cols="44" placeholder="moe_conf.num_experts: 2, 4, 8"></textarea></label>
        <label>Variants (whole recipes, each × the grid)
          <span>${templates.map(t => html`<label style="display:inline-flex;flex-direction:row;gap:3px;margin-right:8px"><input type="checkbox" name="variant" value="${t.name}">${t.name}</label>`)}</span></label>
      </div>
      <div class="row">
        <label>When <select name="when"><option value="now">now</option><option value="cron">on a cron schedule</option></select></label>
        <label>Cron (sec min hour day month weekday, or 5 fields, or @daily) <input name="schedule" size="18" placeholder="0 0 2 * * *"></label>
        <label>Time zone <input name="timeZone" value="UTC" size="14"></label>
        <label>Max concurrent runs <input name="maxConcurrent" type="number" min="0" value="1" style="width:6em"></label>
        <label>Max epochs (0 = recipe) <input name="maxEpochs" type="number" min="0" value="0" style="width:6em"></label>
        <label>Max steps (0 = no limit) <input name="maxSteps" type="number" min="0" value="0" style="width:6em"></label>
      </div>
      <div class="row">
        <label><span><input type="checkbox" name="early"> early stopping (median rule on dev loss)</span></label>
        <label>min steps <input name="minSteps" type="number" min="0" value="0" style="width:6em"></label>
        <label>min epochs <input name="minEpochs" type="number" min="0" value="1" style="width:6em"></label>
        <label>min other runs <input name="minRuns" type="number" min="1" value="2" style="width:6em"></label>
      </div>
      <h2>Base recipe (YAML)</h2>
      <div id="editor"></div>
      <div id="result"></div>
      <p><button id="create-button">Create sweep</button></p>
    </form>`);
  const editor = yamlEditor(el.querySelector('#editor'), '');
  el.querySelector('#template').onchange = e => editor.set(templates.find(t => t.name === e.target.value)?.yaml || '');
  el.querySelector('#create-sweep').onsubmit = async e => {
    e.preventDefault();
    const fd = new FormData(e.target);
    const out = el.querySelector('#result');
    let body;
    try { body = request(fd, editor.get(), templates); }
    catch (err) { render(out, html`<p class="error" data-problem>${err.message}</p>`); return; }
    editor.errors([]);
    try {
      const s = await api.post('/api/sweeps', body);
      toast(`sweep ${s.id} created`);
      location.hash = '#/sweeps/' + s.id;
    } catch (err) {
      const recipe = err.errors.filter(x => x.line && /^(recipe|base)/.test(x.field || ''));
      editor.errors(recipe);
      render(out, problems({ message: err.message, errors: err.errors.filter(x => !recipe.includes(x)) }));
    }
  };
}

function scalar(s) {
  const t = s.trim();
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  return t.replace(/^["']|["']$/g, '');
}

function request(fd, recipe, templates) {
  const grid = {};
  String(fd.get('grid') || '').split('\n').map(l => l.trim()).filter(Boolean).forEach((l, i) => {
    const m = l.match(/^([\w.]+)\s*:\s*(.+)$/);
    if (!m) throw new Error(`grid line ${i + 1}: expected "path: v1, v2, …", got "${l}"`);
    grid[m[1]] = m[2].replace(/^\[|\]$/g, '').split(',').map(scalar);
  });
  const variants = fd.getAll('variant').map(n => ({ name: n, recipe: templates.find(t => t.name === n).yaml }));
  const test = {};
  fd.getAll('test').forEach(n => { test[n] = n; }); // results are named after the registered set
  const body = {
    name: fd.get('name'), description: fd.get('description') || null, train: fd.get('train'), dev: fd.get('dev'), test,
    maxConcurrent: Number(fd.get('maxConcurrent') || 0), maxEpochs: Number(fd.get('maxEpochs') || 0), maxSteps: Number(fd.get('maxSteps') || 0),
  };
  if (recipe.trim()) body.recipe = recipe;
  if (Object.keys(grid).length) body.grid = grid;
  if (variants.length) body.variants = variants;
  if (fd.get('when') === 'cron') { body.schedule = fd.get('schedule'); body.timeZone = fd.get('timeZone') || 'UTC'; }
  if (fd.get('early') === 'on') body.earlyStopping = { minSteps: Number(fd.get('minSteps')), minEpochs: Number(fd.get('minEpochs')), minRuns: Number(fd.get('minRuns')) };
  return body;
}

export async function detail(el, id) {
  const s = await api.get('/api/sweeps/' + id);
  const keys = s.series.map(x => x.testSet + ' · ' + x.mode);
  render(el, html`<h1>Sweep ${s.id}: ${s.name} ${status(s.status)}</h1>
    <div class="row"><dl class="kv">
      <dt>description</dt><dd>${s.description || ''}</dd>
      <dt>schedule</dt><dd class="mono">${s.schedule ? `${s.schedule} (${s.timeZone}), next ${when(s.nextFireAt)}` : 'once, at creation'}</dd>
      <dt>concurrency</dt><dd>${s.maxConcurrent || 'no cap'}</dd>
      <dt>early stopping</dt><dd>${s.earlyStopping ? `median rule; min steps ${s.earlyStopping.minSteps}, min epochs ${s.earlyStopping.minEpochs}, min runs ${s.earlyStopping.minRuns}` : 'off'}</dd>
      <dt>data</dt><dd class="mono">train ${s.train} · dev ${s.dev} · test ${Object.entries(s.test || {}).map(([k, v]) => k + '=' + v).join(', ')}</dd>
      <dt>grid</dt><dd class="mono">${s.grid ? Object.entries(s.grid).map(([k, v]) => `${k}: [${v.join(', ')}]`).join('; ') : ''}</dd>
      <dt>variants</dt><dd>${(s.variants || []).map(v => v.name).join(', ')}</dd>
      <dt>counts</dt><dd>${Object.entries(s.counts || {}).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(' · ')}</dd>
    </dl>
    <div><button id="pause" data-act="${s.status === 'PAUSED' ? 'resume' : 'pause'}">${s.status === 'PAUSED' ? 'Resume' : 'Pause'}</button>
      <button id="delete">Delete</button> <a href="#/compare?sweep=${s.id}">CER table</a></div></div>
    <div id="msg"></div>
    <h2>CER against experts, parameters and FLOPs/s (Pareto view)
      ${keys.length ? html`<select id="series">${keys.map(k => html`<option>${k}</option>`)}</select>` : ''}</h2>
    ${keys.length ? html`<div class="charts" style="grid-template-columns:1fr 1fr 1fr"><div class="chart" id="chart-experts"></div><div class="chart" id="chart-params"></div><div class="chart" id="chart-flops"></div></div>
      <p class="muted">Lines join one model type's points; ▲ with a red border = stopped early by the median rule.</p>`
      : html`<p class="muted">No CER results yet: the charts appear when the sweep's first runs are evaluated.</p>`}
    <h2>Points</h2>
    <table id="points"><thead><tr><th class="num">#</th><th>fired</th><th>label</th><th>variant</th><th>model</th><th class="num">experts</th><th>run</th><th>status</th><th>stopped early</th></tr></thead>
    <tbody>${s.points.map(p => html`<tr><td class="num">${p.ordinal}</td><td>${when(p.fireTime)}</td><td class="mono">${p.label}</td><td>${p.variant || ''}</td><td>${p.modelType || ''}</td>
      <td class="num">${p.experts ?? ''}</td><td>${p.run ? html`<a href="#/runs/${p.run}">#${p.run}</a>` : ''}</td><td>${status(p.status)}</td>
      <td class="error">${p.stopped ? p.stoppedReason || 'yes' : ''}</td></tr>`)}</tbody></table>
    ${s.stopped.length ? html`<h2>Stopped early</h2><table id="stopped"><thead><tr><th>run</th><th>label</th><th>when</th><th>why</th></tr></thead>
      <tbody>${s.stopped.map(x => html`<tr><td><a href="#/runs/${x.run}">#${x.run}</a></td><td class="mono">${x.label}</td><td>${when(x.stoppedAt)}</td><td>${x.reason}</td></tr>`)}</tbody></table>` : ''}`);
  const stopped = new Set(s.stopped.map(x => x.run));
  const draw = () => {
    const ser = s.series[keys.indexOf(el.querySelector('#series').value)];
    const groups = x => [...new Set(ser.points.map(p => p.modelType))].map(m => ({ name: m || 'model',
      points: ser.points.filter(p => p.modelType === m && x(p) !== null && x(p) !== undefined)
        .map(p => ({ x: x(p), y: p.cer, label: `#${p.run} ${p.label || ''}`, stopped: stopped.has(p.run) })).sort((a, b) => a.x - b.x) }));
    pareto(el.querySelector('#chart-experts'), 'CER vs experts (dense = 1)', 'experts', groups(p => p.experts ?? 1));
    pareto(el.querySelector('#chart-params'), 'CER vs parameters', 'parameters', groups(p => p.parameters));
    pareto(el.querySelector('#chart-flops'), 'CER vs FLOPs / s of audio', 'FLOPs/s', groups(p => p.flopsPerSecond));
  };
  if (keys.length) { el.querySelector('#series').onchange = draw; draw(); }
  el.querySelector('#pause').onclick = async e => {
    try { await api.post(`/api/sweeps/${s.id}/${e.target.dataset.act}`); location.hash = `#/sweeps/${s.id}?t=${Date.now()}`; }
    catch (err) { render(el.querySelector('#msg'), problems(err)); }
  };
  el.querySelector('#delete').onclick = async () => {
    if (!confirm(`Delete sweep ${s.name}? Queued runs are cancelled, running ones stopped.`)) return;
    try { await api.del(`/api/sweeps/${s.id}`); location.hash = '#/sweeps'; }
    catch (err) { render(el.querySelector('#msg'), problems(err)); }
  };
}
