// Data sets: list with hours, utterances, speakers, characters; details with character coverage
// against another set; register by archive upload or store prefix, with the validation report.
import { api } from './api.js';
import { html, render, fixed, bytes, when, problems, toast, esc, raw } from './util.js';

export async function list(el) {
  const sets = await api.get('/api/datasets');
  const names = sets.map(s => s.name);
  render(el, html`<h1>Data sets</h1>
    <table id="datasets"><thead><tr><th class="num">id</th><th>name</th><th>source</th><th>location</th><th class="num">hours</th>
      <th class="num">utterances</th><th class="num">speakers</th><th class="num">characters</th><th class="num">audio</th><th>fingerprint</th><th>registered</th></tr></thead>
    <tbody>${sets.map(s => html`<tr data-name="${s.name}"><td class="num">${s.id}</td><td><a href="#/datasets?show=${encodeURIComponent(s.name)}">${s.name}</a></td>
      <td>${s.source}</td><td class="mono">${s.location}</td><td class="num">${fixed(s.hours, 3)}</td><td class="num">${s.utterances}</td>
      <td class="num" title="from ${s.speakersFrom}">${s.speakers}</td><td class="num">${s.characters}</td><td class="num">${bytes(s.audioBytes)}</td>
      <td class="mono" title="${s.fingerprint}">${(s.fingerprint || '').slice(0, 12)}</td><td>${when(s.createdAt)}</td></tr>`)}</tbody></table>
    <div id="detail"></div>
    <h2>Register a data set</h2>
    <p class="muted">A Kaldi data directory (wav.scp, text, optional segments and utt2spk, and the audio). It is validated
      completely; every problem is listed with its file and line and nothing is registered when there is any.</p>
    <form id="register" class="filters">
      <label>Name <input name="name" required placeholder="corpus/train" size="20"></label>
      <label>Description <input name="description" size="24"></label>
      <label>Archive (.tar.gz, .tar, .zip) <input type="file" name="file"></label>
      <label>or store prefix / directory <input name="location" placeholder="store:corpora/x/train" size="26"></label>
      <button>Register</button>
    </form>
    <div id="report"></div>`);
  const show = new URLSearchParams(location.hash.split('?')[1] || '').get('show');
  if (show) await detail(el.querySelector('#detail'), show, names);
  el.querySelector('#register').onsubmit = async e => {
    e.preventDefault();
    const fd = new FormData(e.target);
    const out = el.querySelector('#report');
    try {
      let s;
      if (fd.get('file') && fd.get('file').size > 0) {
        const up = new FormData();
        up.set('name', fd.get('name'));
        if (fd.get('description')) up.set('description', fd.get('description'));
        up.set('file', fd.get('file'));
        s = await api.post('/api/datasets', up);
      } else {
        s = await api.post('/api/datasets', { name: fd.get('name'), location: fd.get('location'), description: fd.get('description') || null });
      }
      toast(`registered ${s.name}`);
      location.hash = '#/datasets?show=' + encodeURIComponent(s.name) + '&t=' + Date.now();
    } catch (err) {
      render(out, html`<h2 class="error">Validation report</h2>${problems(err)}`);
    }
  };
}

async function detail(el, name, names) {
  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  const against = q.get('against') || names.find(n => n.endsWith('/train') && n !== name) || '';
  const s = await api.get('/api/datasets/' + name + (against ? '?coverageAgainst=' + encodeURIComponent(against) : ''));
  const c = s.coverage;
  render(el, html`<h2>${s.name}</h2>
    <div class="row"><dl class="kv">
      <dt>description</dt><dd>${s.description || ''}</dd>
      <dt>location</dt><dd class="mono">${s.location}</dd>
      <dt>fingerprint</dt><dd class="mono">${s.fingerprint}</dd>
      <dt>hours</dt><dd>${fixed(s.hours, 4)}</dd><dt>utterances</dt><dd>${s.utterances}</dd>
      <dt>speakers</dt><dd>${s.speakers} (from ${s.speakersFrom})</dd>
      <dt>characters</dt><dd>${s.characters} distinct</dd>
    </dl>
    <div>
      <form id="cov" class="filters"><label>Character coverage by <select name="against">${['', ...names].map(n => raw(`<option ${n === against ? 'selected' : ''}>${esc(n)}</option>`))}</select></label></form>
      ${c ? html`<dl class="kv" id="coverage"><dt>against</dt><dd>${c.against}</dd>
        <dt>type coverage</dt><dd>${fixed(100 * c.typeCoverage, 1)}% of distinct characters</dd>
        <dt>token coverage</dt><dd>${fixed(100 * c.tokenCoverage, 1)}% of running characters</dd>
        <dt>missing</dt><dd class="mono">${c.missing || 'none'}</dd></dl>` : ''}
    </div></div>
    <h2>Character set</h2><p class="mono" style="word-break:break-all">${s.characterSet || ''}</p>`);
  el.querySelector('[name=against]').onchange = e => {
    location.hash = `#/datasets?show=${encodeURIComponent(name)}&against=${encodeURIComponent(e.target.value)}`;
  };
}
