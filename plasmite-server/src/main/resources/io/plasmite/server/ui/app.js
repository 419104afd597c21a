// The plasmite web UI: the pool list, and one pool followed live over Server-Sent Events.
// Everything shown from a pool is set as text (never as HTML). Requests go through fetch so that
// the token can travel in the Authorization header (EventSource cannot send headers).
'use strict';

const HISTORY = 50;    // messages shown when a pool is opened
const KEEP = 500;      // messages kept on the page
const state = { token: sessionStorage.getItem('plasmite-token') || '', pool: null, tags: [],
  paused: false, nextSeq: null, abort: null, generation: 0 };

const $ = (id) => document.getElementById(id);

function headers() {
  return state.token ? { Authorization: 'Bearer ' + state.token } : {};
}

function showError(text) {
  $('error').textContent = text || '';
}

async function api(path) {
  const r = await fetch(path, { headers: headers() });
  const body = await r.json().catch(() => null);
  if (!r.ok) {
    const e = body && body.error;
    throw new Error(e ? `${e.kind}: ${e.message}` + (e.hint ? ` (${e.hint})` : '') : `HTTP ${r.status}`);
  }
  return body;
}

async function loadPools() {
  try {
    const { pools } = await api('/v0/ui/pools');
    const tbody = $('pools');
    tbody.replaceChildren();
    for (const p of pools) {
      const tr = document.createElement('tr');
      tr.dataset.pool = p.name;
      if (p.name === state.pool) tr.className = 'selected';
      const m = p.metrics || {};
      for (const text of [p.name, String(m.message_count ?? 0),
        ((m.age && m.age.newest_time) || '—').replace(/\.\d+Z$/, 'Z'), ((m.utilization && m.utilization.used_percent) ?? 0) + '%']) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      tr.addEventListener('click', () => openPool(p.name, true));
      tbody.append(tr);
    }
    $('pools-empty').hidden = pools.length > 0;
    showError('');
  } catch (e) {
    showError('Pools: ' + e.message);
  }
}

function render(msg) {
  const li = document.createElement('li');
  li.dataset.seq = String(msg.seq);
  const meta = document.createElement('div');
  meta.className = 'meta';
  const seq = document.createElement('span');
  seq.textContent = '#' + msg.seq;
  const time = document.createElement('span');
  time.textContent = msg.time;
  meta.append(seq, time);
  for (const t of (msg.meta && msg.meta.tags) || []) {
    const tag = document.createElement('span');
    tag.className = 'tag';
    tag.textContent = t;
    meta.append(tag);
  }
  const pre = document.createElement('pre');
  pre.textContent = JSON.stringify(msg.data, null, 2);
  li.append(meta, pre);
  const list = $('messages');
  list.prepend(li);
  while (list.children.length > KEEP) list.lastElementChild.remove();
}

function setStatus(text) {
  $('status').textContent = text;
}

// Follows the pool from state.nextSeq: one SSE stream after another (the server ends each at its
// deadline); each resumes after the last seq shown, so nothing is shown twice.
async function follow(generation) {
  while (generation === state.generation && !state.paused) {
    const q = new URLSearchParams({ since_seq: String(state.nextSeq) });
    for (const t of state.tags) q.append('tag', t);
    state.abort = new AbortController();
    try {
      const r = await fetch(`/v0/ui/pools/${encodeURIComponent(state.pool)}/events?${q}`,
        { headers: headers(), signal: state.abort.signal });
      if (!r.ok) {
        const body = await r.json().catch(() => null);
        const e = body && body.error;
        throw new Error(e ? `${e.kind}: ${e.message}` : `HTTP ${r.status}`);
      }
      setStatus(`live (following ${state.pool}${state.tags.length ? ', tags: ' + state.tags.join(' ') : ''})`);
      showError('');
      await readEvents(r.body, generation);
    } catch (e) {
      if (generation !== state.generation || state.paused) return;
      setStatus('reconnecting…');
      showError(e.message);
      await new Promise((done) => setTimeout(done, 2000));
    }
  }
}

async function readEvents(body, generation) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done || generation !== state.generation) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (!data.length) continue;   // a comment, such as the opening ": open"
      const payload = JSON.parse(data.join('\n'));
      if (event === 'error') throw new Error(`${payload.error.kind}: ${payload.error.message}`);
      if (payload.seq >= state.nextSeq) {
        render(payload);
        state.nextSeq = payload.seq + 1;
      }
    }
  }
}

async function openPool(name, push) {
  state.generation++;
  if (state.abort) state.abort.abort();
  state.pool = name;
  state.paused = false;
  $('pause').textContent = 'Pause';
  if (push) history.pushState({ pool: name }, '', '/ui/pools/' + encodeURIComponent(name));
  $('pool-view').hidden = false;
  $('pool-name').textContent = name;
  $('messages').replaceChildren();
  for (const tr of $('pools').children) tr.className = tr.dataset.pool === name ? 'selected' : '';
  setStatus('connecting…');
  try {
    const { pool } = await api(`/v0/ui/pools/${encodeURIComponent(name)}/info`);
    const b = pool.bounds || {};
    state.nextSeq = b.newest ? Math.max(b.oldest, b.newest - HISTORY + 1) : 1;
  } catch (e) {
    setStatus('not available');
    showError(e.message);
    return;
  }
  follow(state.generation);
}

function init() {
  $('token').value = state.token;
  $('token-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.token = $('token').value.trim();
    sessionStorage.setItem('plasmite-token', state.token);
    loadPools();
    if (state.pool) openPool(state.pool, false);
  });
  $('refresh').addEventListener('click', loadPools);
  $('filter-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.tags = $('tags').value.split(/[\s,]+/).filter(Boolean);
    if (state.pool) openPool(state.pool, false);
  });
  $('pause').addEventListener('click', () => {
    if (!state.pool) return;
    if (state.paused) {
      state.paused = false;
      $('pause').textContent = 'Pause';
      state.generation++;
      follow(state.generation);
    } else {
      state.paused = true;
      if (state.abort) state.abort.abort();
      $('pause').textContent = 'Resume';
      setStatus('paused');
    }
  });
  window.addEventListener('popstate', () => route(false));
  loadPools();
  route(false);
}

function route(push) {
  const m = location.pathname.match(/^\/ui\/pools\/([^/]+)$/);
  if (m) openPool(decodeURIComponent(m[1]), push);
}

init();
