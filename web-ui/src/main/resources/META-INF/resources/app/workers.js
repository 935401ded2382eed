// Workers: heartbeat, current runs, heap and device memory of every worker process.
import { api } from './api.js';
import { html, render, bytes, when, status } from './util.js';

export async function list(el) {
  const ws = await api.get('/api/workers');
  render(el, html`<h1>Workers</h1>
    <table id="workers"><thead><tr><th>id</th><th>host</th><th class="num">pid</th><th>device</th><th class="num">slots</th><th>status</th>
      <th>alive</th><th>current runs</th><th class="num">heap used / max</th><th class="num">device memory used / max</th><th>started</th><th>heartbeat</th></tr></thead>
    <tbody>${ws.map(w => html`<tr><td class="mono">${w.id}</td><td>${w.host}</td><td class="num">${w.pid}</td><td>${w.device}</td>
      <td class="num">${w.slots}</td><td>${status(w.status)}</td><td>${w.alive ? html`<span class="status-ok">yes</span>` : html`<span class="error">no</span>`}</td>
      <td>${(w.currentRuns || []).map(r => html`<a href="#/runs/${r}">#${r}</a> `)}</td>
      <td class="num">${bytes(w.memoryUsed)} / ${bytes(w.memoryMax)}</td>
      <td class="num">${w.deviceMemoryMax == null ? '' : html`${bytes(w.deviceMemoryUsed)} / ${bytes(w.deviceMemoryMax)}`}</td><td>${when(w.startedAt)}</td><td>${when(w.heartbeatAt)}</td></tr>`)}</tbody></table>
    ${ws.length ? '' : html`<p class="muted">No worker has registered yet.</p>`}`);
}
