// One run: stage timeline (reused stages marked), live state over the SSE stream, curves of every
// loss term, lr, grad norm and dev loss, the expert-utilisation heat-map per epoch with router
// entropy, CER results, checkpoints and artefacts with downloads, and the stage logs.
import { api } from './api.js';
import { html, render, fixed, si, bytes, when, status, duration, problems, toast } from './util.js';
import { lines, heatmap } from './charts.js';

const STAGES = ['featurePrep', 'embeddingPretrain', 'baseTrain', 'train', 'evaluate'];
// every train metric that is not one of these is a loss term (total, ctc, att per level, L_s, L_m, L_e, …)
const NOT_LOSS = /^(acc|lr|grad_norm|frames_per_second|eta_seconds|dev_.*|expert_share\/.*|router_entropy\/.*)$/;
const FINISHED = ['COMPLETED', 'FAILED', 'CANCELLED'];

export async function page(el, id) {
  const run = await api.get('/api/runs/' + id);
  render(el, html`<h1>Run ${run.id}${run.name ? ': ' + run.name : ''} <span id="run-status">${status(run.status)}</span></h1>
    <div class="row">
      <dl class="kv" id="run-kv"></dl>
      <div id="actions"></div>
    </div>
    <div id="msg"></div>
    <h2>Stages</h2><div class="timeline" id="timeline"></div>
    <h2>Training curves <select id="curve-stage"></select> <span class="muted" id="live"></span></h2>
    <div class="charts">
      <div class="chart" id="chart-loss"></div><div class="chart" id="chart-dev"></div>
      <div class="chart" id="chart-lr"></div><div class="chart" id="chart-grad"></div>
    </div>
    <div id="experts-section"></div>
    <h2>CER</h2><div id="results"></div>
    <h2>Checkpoints</h2><div id="checkpoints"></div>
    <h2>Artefacts</h2><div id="artifacts"></div>
    <h2>Logs</h2><div id="logs"></div>`);
  const state = { run, rows: new Map(), lastId: 0 };
  showRun(el, state.run);
  const m = await api.get(`/api/runs/${id}/metrics?limit=100000`);
  m.series.forEach(s => state.rows.set(s.stage + '\u0000' + s.name, s.step.map((st, i) => [st, s.value[i], s.epoch[i]])));
  state.lastId = m.lastId;
  drawCurves(el, state);
  await Promise.all([showFinished(el, run), showLogs(el, run)]);
  if (FINISHED.includes(run.status)) return null;
  // live: the SSE stream sends run state changes and new metric rows until the run ends
  const es = new EventSource(`/api/runs/${id}/events?after=${state.lastId}`);
  let pending = false;
  el.querySelector('#live').textContent = '(live)';
  es.addEventListener('run', e => {
    const s = JSON.parse(e.data);
    Object.assign(state.run, s, { stages: state.run.stages.map(st => ({ ...st, ...(s.stages.find(x => x.stage === st.stage) || {}) })) });
    showRun(el, state.run);
  });
  es.addEventListener('metrics', e => {
    JSON.parse(e.data).rows.forEach(r => {
      const k = r.stage + '\u0000' + r.name;
      if (!state.rows.has(k)) state.rows.set(k, []);
      state.rows.get(k).push([r.step, r.value, r.epoch]);
    });
    if (!pending) { pending = true; setTimeout(() => { pending = false; drawCurves(el, state); }, 500); }
  });
  es.addEventListener('end', async () => {
    es.close();
    el.querySelector('#live').textContent = '';
    const fresh = await api.get('/api/runs/' + id);
    state.run = fresh;
    showRun(el, fresh);
    drawCurves(el, state);
    await Promise.all([showFinished(el, fresh), showLogs(el, fresh)]);
  });
  return () => es.close();
}

function showRun(el, r) {
  render(el.querySelector('#run-status'), status(r.status));
  render(el.querySelector('#run-kv'), html`
    <dt>experiment</dt><dd>${r.experimentId ? html`<a href="#/experiments/${r.experimentId}">${r.experimentId}</a>` : 'none'}</dd>
    <dt>model</dt><dd>${r.modelType || ''}${r.numExperts ? `, ${r.numExperts} experts` : ''}</dd>
    <dt>progress</dt><dd>${Math.round(100 * r.progress)}%${r.currentStage ? ` · ${r.currentStage}` : ''}${r.etaSeconds ? ` · ETA ${duration(r.etaSeconds)}` : ''}</dd>
    ${r.failureReason ? html`<dt>failure</dt><dd class="error" id="failure">${r.failureReason}</dd>` : ''}
    <dt>parameters</dt><dd>${si(r.parameters)}</dd><dt>FLOPs / s audio</dt><dd>${si(r.flopsPerSecond)}</dd>
    <dt>worker</dt><dd>${r.workerId || ''} ${r.device || ''} (attempt ${r.attempts})</dd>
    <dt>seed</dt><dd>${r.seed ?? ''}</dd>
    <dt>times</dt><dd>created ${when(r.createdAt)} · started ${when(r.startedAt)} · finished ${when(r.finishedAt)}</dd>
    ${r.versions ? html`<dt>versions</dt><dd class="mono">${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(' · ')}</dd>` : ''}`);
  const byName = new Map((r.stages || []).map(s => [s.stage, s]));
  render(el.querySelector('#timeline'), html`${STAGES.map(n => {
    const s = byName.get(n) || { status: 'PENDING' };
    const p = s.status === 'COMPLETED' || s.status === 'REUSED' ? 1 : s.progress || 0;
    return html`<div class="stage ${s.status}" data-stage="${n}" title="${s.message || ''}">
      <div><strong>${n}</strong></div><div>${status(s.status)}${s.reusedFromRun ? html` from <a href="#/runs/${s.reusedFromRun}">run ${s.reusedFromRun}</a>` : ''}
      ${s.status === 'RUNNING' && s.etaSeconds ? html` · ETA ${duration(s.etaSeconds)}` : ''}</div>
      <div class="bar"><span style="width:${Math.round(100 * p)}%"></span></div>
      ${s.message ? html`<div class="muted">${s.message}</div>` : ''}</div>`;
  })}`);
  const act = el.querySelector('#actions');
  const buttons = [];
  if (['QUEUED', 'RUNNING'].includes(r.status)) buttons.push(html`<button data-act="cancel">Cancel</button>`);
  if (['FAILED', 'CANCELLED'].includes(r.status)) buttons.push(html`<button data-act="resume">Resume</button>`);
  buttons.push(html` <a href="#/compare?runs=${r.id}">Compare…</a>`);
  render(act, html`${buttons}`);
  act.querySelectorAll('button').forEach(b => b.onclick = async () => {
    try { await api.post(`/api/runs/${r.id}/${b.dataset.act}`); toast(b.dataset.act + ' sent'); location.reload(); }
    catch (e) { render(el.querySelector('#msg'), problems(e)); }
  });
}

function series(state, stage, filter) {
  const out = [];
  for (const [k, pts] of state.rows) {
    const [st, name] = k.split('\u0000');
    if ((stage === null || st === stage) && filter(name)) out.push({ name: stage === null && st !== 'train' ? `${st}:${name}` : name, data: pts.map(p => [p[0], p[1]]) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

function drawCurves(el, state) {
  const sel = el.querySelector('#curve-stage');
  const stages = STAGES.filter(st => [...state.rows.keys()].some(k => k.startsWith(st + '\u0000')));
  const stage = stages.includes(sel.value) ? sel.value : stages.includes('train') ? 'train' : stages[0] || 'train';
  sel.innerHTML = stages.map(st => `<option ${st === stage ? 'selected' : ''}>${st}</option>`).join('');
  sel.onchange = () => drawCurves(el, state);
  const isLoss = n => !NOT_LOSS.test(n);
  lines(el.querySelector('#chart-loss'), 'Training losses', series(state, stage, isLoss));
  lines(el.querySelector('#chart-dev'), 'Dev loss (per epoch)', series(state, stage, n => n.startsWith('dev_')));
  lines(el.querySelector('#chart-lr'), 'Learning rate', series(state, stage, n => n === 'lr'));
  lines(el.querySelector('#chart-grad'), 'Gradient norm', series(state, stage, n => n === 'grad_norm'));
  drawExperts(el, state);
}

function drawExperts(el, state) {
  const cells = []; // [layer, expert, epoch, value]
  const entropy = new Map();
  for (const [k, pts] of state.rows) {
    const [st, name] = k.split('\u0000');
    if (st !== 'train') continue;
    let m = name.match(/^expert_share\/(.+)\/(\d+)$/);
    if (m) pts.forEach(p => cells.push([m[1], Number(m[2]), p[2], p[1]]));
    m = name.match(/^router_entropy\/(.+)$/);
    if (m) entropy.set(m[1], pts.map(p => [p[2], p[1]]));
  }
  const sec = el.querySelector('#experts-section');
  if (!cells.length) { sec.innerHTML = ''; return; }
  const epochs = [...new Set(cells.map(c => c[2]))].sort((a, b) => a - b);
  const layers = [...new Set(cells.map(c => c[0]))].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
  const experts = [...new Set(cells.map(c => c[1]))].sort((a, b) => a - b);
  let sel = sec.querySelector('#epoch');
  const chosen = sel && sel.value !== '' && sel.dataset.max === String(epochs.at(-1)) ? Number(sel.value) : epochs.at(-1);
  if (!sel) {
    render(sec, html`<h2>Expert utilisation <label style="display:inline-flex;flex-direction:row;gap:4px">epoch <select id="epoch"></select></label></h2>
      <div class="charts"><div class="chart" id="chart-heatmap"></div><div class="chart" id="chart-entropy"></div></div>`);
    sel = sec.querySelector('#epoch');
    sel.onchange = () => drawExperts(el, state);
  }
  sel.innerHTML = epochs.map(e => `<option ${e === chosen ? 'selected' : ''}>${e}</option>`).join('');
  sel.dataset.max = String(epochs.at(-1));
  const data = cells.filter(c => c[2] === chosen).map(c => [experts.indexOf(c[1]), layers.indexOf(c[0]), c[3]]);
  heatmap(sec.querySelector('#chart-heatmap'), `Share of dev frames per expert, epoch ${chosen}`, layers, experts, data);
  lines(sec.querySelector('#chart-entropy'), 'Router entropy per layer', [...entropy].sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([l, pts]) => ({ name: 'layer ' + l, data: pts })), { xName: 'epoch' });
}

async function showFinished(el, r) {
  render(el.querySelector('#results'), (r.results || []).length ? html`<table id="results-table"><thead><tr><th>test set</th><th>mode</th>
    <th class="num">CER %</th><th class="num">N</th><th class="num">S</th><th class="num">D</th><th class="num">I</th><th class="num">utts</th><th class="num">RTF</th></tr></thead>
    <tbody>${r.results.map(x => html`<tr><td>${x.testSet}</td><td>${x.mode}</td><td class="num">${fixed(x.cer)}</td><td class="num">${x.refChars}</td>
      <td class="num">${x.substitutions}</td><td class="num">${x.deletions}</td><td class="num">${x.insertions}</td><td class="num">${x.utterances}</td><td class="num">${fixed(x.rtf, 3)}</td></tr>`)}</tbody></table>`
    : html`<p class="muted">No results yet.</p>`);
  const [ckpts, arts] = await Promise.all([
    api.get(`/api/runs/${r.id}/checkpoints`).catch(e => e),
    api.get(`/api/runs/${r.id}/artifacts`).catch(e => e),
  ]);
  render(el.querySelector('#checkpoints'), Array.isArray(ckpts) ? (ckpts.length ? html`<table id="checkpoints-table"><thead><tr><th>name</th><th class="num">epoch</th><th class="num">step</th>
    <th class="num">dev loss</th><th class="num">size</th><th>SHA-256 (model.npz)</th><th>averaged</th><th>download</th></tr></thead>
    <tbody>${ckpts.map(c => html`<tr data-name="${c.name}"><td>${c.name}${c.complete ? '' : html` <span class="muted">(incomplete)</span>`}</td><td class="num">${c.epoch ?? ''}</td><td class="num">${c.step ?? ''}</td>
      <td class="num">${fixed(c.devLoss, 4)}</td><td class="num">${bytes(c.size)}</td><td class="mono sha">${c.sha256 || ''}</td>
      <td>${c.averagedFrom?.length ? 'from ' + c.averagedFrom.join(', ') : c.averagedIntoFinal ? 'into final' : ''}</td>
      <td>${(c.files || []).map(f => html`<a class="download" data-file="${f.name}" href="${f.url}" download title="${bytes(f.size)} · sha256 ${f.sha256}">${f.name}</a> `)}
        ${c.bundle ? html`<a href="${c.bundle.url || c.bundle}" download><button>bundle .tar.gz</button></a>` : ''}</td></tr>`)}</tbody></table>`
    : html`<p class="muted">No checkpoints.</p>`) : html`<p class="muted">Checkpoints unavailable: ${ckpts.message}</p>`);
  const groups = Array.isArray(arts) ? [...new Set(arts.map(a => a.stage || ''))].map(st => [st, arts.filter(a => (a.stage || '') === st)]) : [];
  render(el.querySelector('#artifacts'), Array.isArray(arts) ? (arts.length ? html`${groups.map(([st, list]) => html`<details ${st === 'evaluate' ? 'open' : ''}>
    <summary>${st || 'run'}: ${list.length} object(s), ${bytes(list.reduce((n, a) => n + a.size, 0))}</summary>
    <table class="artifacts-table"><thead><tr><th>kind</th><th>key</th><th class="num">size</th><th>SHA-256</th><th></th></tr></thead>
    <tbody>${list.map(a => html`<tr><td>${a.kind}</td><td class="mono">${a.key}</td><td class="num">${bytes(a.size)}</td>
      <td class="mono sha">${a.sha256}</td><td><a href="${a.url}" download>download</a></td></tr>`)}</tbody></table></details>`)}` : html`<p class="muted">No artefacts yet.</p>`)
    : html`<p class="muted">${arts.message}</p>`);
}

async function showLogs(el, r) {
  const box = el.querySelector('#logs');
  const stages = (r.stages || []).filter(s => !['PENDING', 'SKIPPED', 'REUSED'].includes(s.status)).map(s => s.stage);
  if (!stages.length) { render(box, html`<p class="muted">No stage has run yet.</p>`); return; }
  render(box, html`<div class="filters"><label>Stage <select id="log-stage">${stages.map(s => html`<option>${s}</option>`)}</select></label></div><pre class="log" id="log"></pre>`);
  const sel = box.querySelector('#log-stage');
  const load = async () => {
    try { box.querySelector('#log').textContent = await api.text(`/api/runs/${r.id}/logs/${sel.value}`); }
    catch (e) { box.querySelector('#log').textContent = e.message; }
  };
  sel.value = stages.includes('train') ? 'train' : stages.at(-1);
  sel.onchange = load;
  await load();
}
