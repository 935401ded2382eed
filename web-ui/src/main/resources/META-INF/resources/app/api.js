// The REST API client: JSON in and out, problem details as ApiError, and the token prompt before
// a write the server refuses without a token (401). The token lives in sessionStorage only.
const TOKEN_KEY = 'asr3m.token';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.errors = problem?.errors || [];
  }
}

export function token() { return sessionStorage.getItem(TOKEN_KEY); }
export function setToken(t) { t ? sessionStorage.setItem(TOKEN_KEY, t) : sessionStorage.removeItem(TOKEN_KEY); showTokenState(); }

export function showTokenState() {
  const el = document.getElementById('token-state');
  if (!el) return;
  el.innerHTML = '';
  if (token()) {
    el.append('token set · ');
    const b = document.createElement('button');
    b.textContent = 'forget';
    b.onclick = () => setToken(null);
    el.append(b);
  } else {
    el.textContent = 'read-only (a token is asked for before writes)';
  }
}

/** Asks for a token in the dialog; resolves to it, or null when cancelled. */
export function promptToken() {
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  input.value = '';
  return new Promise(resolve => {
    dialog.addEventListener('close', () => {
      if (dialog.returnValue === 'ok' && input.value.trim()) { setToken(input.value.trim()); resolve(token()); }
      else resolve(null);
    }, { once: true });
    dialog.showModal();
  });
}

async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (token()) headers.Authorization = `Bearer ${token()}`;
  let payload = body;
  if (body !== undefined && !(body instanceof FormData)) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const r = await fetch(path, { method, headers, body: payload });
  // 401: no or a wrong token (writes always; reads too when the server closes reading)
  if (r.status === 401 && !opts.retried) {
    const t = await promptToken();
    if (t) return request(method, path, body, { retried: true });
  }
  if (r.status === 204) return null;
  const type = r.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await r.json() : await r.text();
  if (!r.ok) throw new ApiError(r.status, typeof data === 'object' ? data : { detail: data });
  return data;
}

/** A write: asks for the token first when none is set (writes always need one). */
async function write(method, path, body) {
  if (!token()) {
    const t = await promptToken();
    if (!t) throw new ApiError(401, { detail: 'no token given: the action was not sent' });
  }
  return request(method, path, body);
}

export const api = {
  get: path => request('GET', path),
  text: async (path, retried) => {
    const r = await fetch(path, { headers: token() ? { Authorization: `Bearer ${token()}` } : {} });
    if (r.status === 401 && !retried && await promptToken()) return api.text(path, true);
    if (!r.ok) throw new ApiError(r.status, await r.json().catch(() => ({ detail: r.statusText })));
    return r.text();
  },
  post: (path, body) => write('POST', path, body),
  patch: (path, body) => write('PATCH', path, body),
  del: path => write('DELETE', path),
};
