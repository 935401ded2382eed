// Experiments: filtered list with best CER per test set; new experiment from a template or YAML
// with the server's errors shown under their lines; one experiment with its runs.
import { api } from './api.js';
import { html, raw, render, esc, fixed, when, status, problems, query, si, toast } from './util.js';
import { yamlEditor } from './yaml.js';

export async function list(el) {
  const q = query();
  const f = Object.fromEntries(['q', 'tag', 'modelType', 'experts', 'status'].map(k => [k, q.get(k) || '']));
  render(el, html`<h1>Experiments <a href="#/experiments/new"><button>New experiment</button></a></h1>
    <form class="filters" id="filters">
      <label>Search <input name="q" value="${f.q}" placeholder="name or description"></label>
      <label>Tag <input name="tag" value="${f.tag}" size="10"></label>
      <label>Model <select name="modelType">${['', 'conformer', 'conformer_moe', '3m', 'u2pp_moe', 'embedding_net'].map(m => raw(`<option ${m === f.modelType ? 'selected' : ''}>${m}</option>`))}</select></label>
      <label>Experts <input name="experts" type="number" min="1" value="${f.experts}" style="width:5em"></label>
      <label>Status <select name="status">${['', 'NONE', 'QUEUED', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'].map(s => raw(`<option ${s === f.status ? 'selected' : ''}>${s}</option>`))}</select></label>
      <button>Filter</button>
    </form>
    <div id="list"></div>`);
  el.querySelector('#filters').onsubmit = e => {
    e.preventDefault();
    const p = new URLSearchParams([...new FormData(e.target)].filter(([, v]) => v));
    location.hash = '#/experiments?' + p;
  };
  const params = new URLSearchParams(Object.entries(f).filter(([, v]) => v));
  params.set('size', '200');
  const page = await api.get('/api/experiments?' + params);
  const sets = [...new Set(page.items.flatMap(x => Object.keys(x.bestCer || {})))].sort();
  render(el.querySelector('#list'), page.items.length ? html`<table id="experiments">
    <thead><tr><th class="num">id</th><th>name</th><th>tags</th><th>model</th><th class="num">experts</th>
      <th>latest run</th><th class="num">runs</th>${sets.map(s => html`<th class="num" title="best CER % (mode)">${s}</th>`)}<th>created</th></tr></thead>
    <tbody>${page.items.map(x => html`<tr data-id="${x.id}">
      <td class="num">${x.id}</td><td><a href="#/experiments/${x.id}">${x.name}</a></td>
      <td class="tags">${(x.tags || []).map(t => html`<span>${t}</span>`)}</td>
      <td>${x.modelType}</td><td class="num">${x.numExperts ?? ''}</td>
      <td>${x.latestRun ? html`<a href="#/runs/${x.latestRun.id}">#${x.latestRun.id}</a> ${status(x.latestRun.status)}` : html`<span class="muted">none</span>`}</td>
      <td class="num">${x.runCount}</td>
      ${sets.map(s => { const b = x.bestCer?.[s]; return b ? html`<td class="num" data-set="${s}" title="${b.mode}, run ${b.runId}">${fixed(b.cer)}</td>` : html`<td></td>`; })}
      <td>${when(x.createdAt)}</td></tr>`)}</tbody></table>
    <p class="muted">${page.total} experiment(s)</p>` : html`<p class="muted">No experiments match.</p>`);
}

export async function create(el) {
  const [templates, sets] = await Promise.all([api.get('/api/ui/recipes'), api.get('/api/datasets')]);
  const names = sets.map(s => s.name);
  const pick = (n, pref) => names.map(x => raw(`<option ${x === pref ? 'selected' : ''}>${esc(x)}</option>`));
  render(el, html`<h1>New experiment</h1>
    <form id="create">
      <div class="row">
        <label>Template <select id="template"><option value="">(blank)</option>${templates.map(t => html`<option value="${t.name}">${t.name}${t.modelType ? ' — ' + t.modelType : ''}</option>`)}</select></label>
        <label>Name <input name="name" required size="30"></label>
        <label>Tags (comma-separated) <input name="tags" size="20"></label>
        <label>Train set <select name="trainSet">${pick(0, 'tiny-cmn/train')}</select></label>
        <label>Dev set <select name="devSet">${pick(0, 'tiny-cmn/dev')}</select></label>
        <label>Test sets <select name="testSets" multiple size="3">${pick(0, 'tiny-cmn/test')}</select></label>
        <label>Description <input name="description" size="30"></label>
        <label><span><input type="checkbox" name="launch" checked> launch a run</span></label>
      </div>
      <h2>Recipe (YAML)</h2>
      <div id="editor"></div>
      <div id="result"></div>
      <p><button id="submit">Create</button></p>
    </form>`);
  const editor = yamlEditor(el.querySelector('#editor'), '');
  el.querySelector('#template').onchange = e => {
    const t = templates.find(x => x.name === e.target.value);
    editor.set(t ? t.yaml : '');
    const n = el.querySelector('[name=name]');
    if (t && !n.value) n.value = 'tiny ' + t.name;
  };
  el.querySelector('#create').onsubmit = async e => {
    e.preventDefault();
    const fd = new FormData(e.target);
    const body = {
      name: fd.get('name'), description: fd.get('description') || null,
      tags: String(fd.get('tags') || '').split(',').map(s => s.trim()).filter(Boolean),
      recipe: editor.get(), trainSet: fd.get('trainSet'), devSet: fd.get('devSet'),
      testSets: fd.getAll('testSets'), launch: fd.get('launch') === 'on',
    };
    const out = el.querySelector('#result');
    editor.errors([]);
    try {
      const x = await api.post('/api/experiments', body);
      toast(`experiment ${x.id} created`);
      location.hash = x.latestRun ? `#/runs/${x.latestRun.id}` : `#/experiments/${x.id}`;
    } catch (err) {
      const recipe = err.errors.filter(x => x.line && (x.field || '').startsWith('recipe'));
      editor.errors(recipe);
      const other = { ...err, message: err.message, errors: err.errors.filter(x => !recipe.includes(x)) };
      render(out, html`${problems(other)}${recipe.length ? html`<p class="error">${recipe.length} recipe problem(s), shown under their lines above.</p>` : ''}`);
    }
  };
}

export async function detail(el, id) {
  const x = await api.get('/api/experiments/' + id);
  const sets = Object.keys(x.bestCer || {});
  render(el, html`<h1>Experiment ${x.id}: ${x.name} ${x.archived ? html`<span class="muted">(archived)</span>` : ''}</h1>
    <div class="row">
      <dl class="kv">
        <dt>model</dt><dd>${x.modelType}${x.numExperts ? `, ${x.numExperts} experts` : ''}</dd>
        <dt>tags</dt><dd class="tags">${(x.tags || []).map(t => html`<span>${t}</span>`)}</dd>
        <dt>description</dt><dd>${x.description || ''}</dd>
        <dt>data</dt><dd>train ${x.trainSet}, dev ${x.devSet}, test ${(x.testSets || []).join(', ')}</dd>
        <dt>best CER</dt><dd>${sets.map(s => html`${s}: <strong>${fixed(x.bestCer[s].cer)}</strong> (${x.bestCer[s].mode}, <a href="#/runs/${x.bestCer[s].runId}">run ${x.bestCer[s].runId}</a>) `)}</dd>
      </dl>
      <div><button id="launch">Launch a run</button> <a href="#/compare?experiment=${x.id}">Compare its runs</a></div>
    </div>
    <div id="msg"></div>
    <h2>Runs</h2>
    <table><thead><tr><th class="num">run</th><th>status</th><th>stage</th><th class="num">progress</th><th class="num">params</th><th class="num">FLOPs/s</th><th>worker</th><th>created</th><th>finished</th></tr></thead>
    <tbody>${(x.runs || []).map(r => html`<tr><td class="num"><a href="#/runs/${r.id}">${r.id}</a></td><td>${status(r.status)}</td><td>${r.currentStage || ''}</td>
      <td class="num">${Math.round(100 * r.progress)}%</td><td class="num">${si(r.parameters)}</td><td class="num">${si(r.flopsPerSecond)}</td>
      <td>${r.workerId || ''}</td><td>${when(r.createdAt)}</td><td>${when(r.finishedAt)}</td></tr>`)}</tbody></table>
    <h2>Recipe</h2><pre class="log">${x.recipe}</pre>`);
  el.querySelector('#launch').onclick = async () => {
    try {
      const r = await api.post(`/api/experiments/${x.id}/runs`);
      location.hash = '#/runs/' + r.id;
    } catch (err) { render(el.querySelector('#msg'), problems(err)); }
  };
}
