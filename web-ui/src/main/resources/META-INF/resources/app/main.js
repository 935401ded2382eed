// Hash router: #/experiments, #/experiments/new, #/experiments/{id}, #/datasets, #/runs/{id},
// #/compare?runs=…|sweep=…&baseline=…, #/sweeps, #/sweeps/{id}, #/workers.
import { showTokenState } from './api.js';
import { dispose } from './charts.js';
import { html, render } from './util.js';
import * as experiments from './experiments.js';
import * as datasets from './datasets.js';
import * as run from './run.js';
import * as compare from './compare.js';
import * as sweeps from './sweeps.js';
import * as workers from './workers.js';

const routes = [
  [/^\/experiments\/new$/, () => experiments.create],
  [/^\/experiments\/(\d+)$/, () => experiments.detail],
  [/^\/experiments$/, () => experiments.list],
  [/^\/datasets$/, () => datasets.list],
  [/^\/runs\/(\d+)$/, () => run.page],
  [/^\/compare$/, () => compare.page],
  [/^\/sweeps\/(\d+)$/, () => sweeps.detail],
  [/^\/sweeps$/, () => sweeps.list],
  [/^\/workers$/, () => workers.list],
];

let cleanup = null;

async function route() {
  const el = document.getElementById('page');
  if (cleanup) { cleanup(); cleanup = null; }
  dispose(el);
  const path = (location.hash.slice(1) || '/experiments').split('?')[0];
  document.querySelectorAll('[data-nav]').forEach(a => a.classList.toggle('active', path.startsWith('/' + a.dataset.nav)
    || (a.dataset.nav === 'experiments' && path.startsWith('/runs'))));
  for (const [re, page] of routes) {
    const m = path.match(re);
    if (m) {
      el.dataset.page = path;
      el.removeAttribute('data-ready');
      try {
        cleanup = (await page()(el, ...m.slice(1))) || null;
      } catch (e) {
        render(el, html`<p class="error" data-problem>${e.message}</p>`);
      }
      el.setAttribute('data-ready', '1');
      return;
    }
  }
  render(el, html`<p class="error">No page ${path}</p>`);
}

window.addEventListener('hashchange', route);
showTokenState();
route();
