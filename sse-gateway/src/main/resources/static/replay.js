/*
 * crewstream replay page: one gateway's session table as of any instant the topics still hold, stepped change by
 * change, with the raw frames around the selected change. Everything comes from /api/replay/*, which reads Kafka on
 * demand; times are Kafka record timestamps, shown as ISO-8601 in UTC, and typed times are read by the server (ISO
 * with an offset, epoch milliseconds, now, -15m). The chosen gateway and time are kept in the URL.
 */
(() => {
  'use strict';

  const { el, plural, agentOf } = window.crewstreamPages;

  const STATES = window.CREWSTREAM_CONTRACT.gatewayStates;
  const FRAMES_BEFORE_MS = 5000;
  const FRAMES_AFTER_MS = 1000;
  const FRAMES_LIMIT = 50;
  const FRAME_TEXT_LIMIT = 400;
  // Rows first shown per agent: laying out a 10,000-row table takes seconds, the page's budget is one.
  const ROWS_SHOWN = 50;
  // The row fields the table shows: a real row is about 2 KB, mostly fields the table never shows.
  const TABLE_FIELDS = ['key', 'agentId', 'displayName', 'label', 'kind', 'channel', 'model', 'status',
    'hasActiveRun', 'totalTokens', 'updatedAt'];

  const dom = {
    state: document.getElementById('replay-state'),
    at: document.getElementById('replay-at'),
    controls: document.getElementById('replay-controls'),
    connection: document.getElementById('replay-connection'),
    slider: document.getElementById('replay-slider'),
    time: document.getElementById('replay-time'),
    previous: document.getElementById('replay-previous'),
    next: document.getElementById('replay-next'),
    range: document.getElementById('replay-range'),
    error: document.getElementById('replay-error'),
    change: document.getElementById('replay-change'),
    table: document.getElementById('replay-table'),
    frames: document.getElementById('replay-frames'),
    framesHint: document.getElementById('replay-frames-hint'),
  };

  const view = {
    connection: '',
    range: null,   // {earliest, latest} of the chosen gateway, ISO or null
    table: null,   // the last /api/replay/state answer shown
    expanded: new Set(),  // agents whose every row is shown, for the chosen gateway
    step: null,    // the last /api/replay/step answer, while its change is the selected one
  };

  // Only the answers to the latest question are shown: a slow answer to an older one is dropped.
  let generation = 0;

  class Unauthorized extends Error {}

  // ---- helpers -------------------------------------------------------------------------------------------

  /** A time of day in UTC with milliseconds, the resolution of the time axis. */
  function clock(ms) {
    return typeof ms === 'number' ? new Date(ms).toISOString().slice(11, 23) : '—';
  }

  function text(value) {
    if (value === null || value === undefined) return '(none)';
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    return shown.length > 80 ? shown.slice(0, 77) + '...' : shown;
  }

  function setState(state, label) {
    dom.state.dataset.state = state;
    dom.state.textContent = label;
  }

  function showError(message) {
    dom.error.textContent = message || '';
    dom.error.hidden = !message;
  }

  // ---- URL and token -------------------------------------------------------------------------------------

  function fromUrl() {
    const params = new URLSearchParams(location.search);
    return { connection: params.get('connection') || '', at: params.get('at') || '' };
  }

  function keepInUrl(connection, at) {
    const params = new URLSearchParams(location.search);
    if (connection) params.set('connection', connection); else params.delete('connection');
    if (at) params.set('at', at); else params.delete('at');
    const query = params.toString();
    history.replaceState(null, '', location.pathname + (query ? '?' + query : ''));
  }

  function askForToken(message) {
    setState('unauthorized', 'Not signed in');
    window.crewstreamPages.ask(message);
  }

  // ---- API -----------------------------------------------------------------------------------------------

  async function api(path, params) {
    const query = new URLSearchParams(params || {}).toString();
    const response = await window.crewstreamPages.api('/api/replay/' + path + (query ? '?' + query : ''));
    if (response.status === 401) {
      askForToken((await window.crewstreamPages.refusal(response)).message);
      throw new Unauthorized();
    }
    if (response.status === 403 || response.status === 429) {
      // Out of the token's scope, or too many requests: the token is fine, a new one would not help.
      throw new Error((await window.crewstreamPages.refusal(response)).message);
    }
    let body = null;
    try {
      body = await response.json();
    } catch (ignored) {
      // Not JSON: said below.
    }
    if (!response.ok) {
      throw new Error(body && body.error ? body.error : 'The server answered ' + response.status);
    }
    return body;
  }

  /** The answer to a question, or nothing (null) when a newer question was asked meanwhile, answered or not. */
  async function ask(mine, path, params) {
    try {
      const answer = await api(path, params);
      return mine === generation ? answer : null;
    } catch (error) {
      if (mine !== generation) return null;
      throw error;
    }
  }

  function failed(error) {
    if (error instanceof Unauthorized) return;
    setState('error', 'Error');
    showError(error.message || String(error));
  }

  // ---- loading -------------------------------------------------------------------------------------------

  async function start() {
    const wanted = fromUrl();
    setState('loading', 'Loading…');
    try {
      const answer = await api('connections');
      const ids = answer.connections;
      dom.connection.replaceChildren(...ids.map((id) => el('option', { value: id, text: id })));
      if (!ids.length) {
        setState('ready', 'Ready');
        dom.table.replaceChildren(el('p', { class: 'notice', text: 'No gateway has reported yet.' }));
        return;
      }
      const connection = ids.includes(wanted.connection) ? wanted.connection : ids[0];
      await chooseConnection(connection, wanted.at);
    } catch (error) {
      failed(error);
    }
  }

  async function chooseConnection(connection, at) {
    const mine = ++generation;
    view.connection = connection;
    view.step = null;
    view.expanded.clear();
    dom.connection.value = connection;
    setState('loading', 'Loading…');
    const range = await ask(mine, 'range', { connection });
    if (!range) return;
    view.range = range;
    const earliest = range.earliest ? Date.parse(range.earliest) : null;
    const latest = range.latest ? Date.parse(range.latest) : null;
    dom.slider.disabled = earliest === null;
    if (earliest !== null) {
      // One millisecond before the first record: the table before anything happened.
      dom.slider.min = String(earliest - 1);
      dom.slider.max = String(latest);
    }
    dom.range.textContent = earliest === null ? 'the topic holds nothing of this gateway'
      : 'retained: ' + range.earliest + ' … ' + range.latest;
    await show(at || range.latest || 'now', null);
  }

  /** Shows the table at {@code at} (any time the server reads); {@code step} when a step brought us here. */
  async function show(at, step) {
    const mine = ++generation;
    const started = performance.now();
    setState('loading', 'Loading…');
    showError('');
    const table = await ask(mine, 'state', { connection: view.connection, at, fields: TABLE_FIELDS.join(',') });
    if (!table) return;
    view.table = table;
    view.step = step;
    keepInUrl(view.connection, table.at);
    const ms = Date.parse(table.at);
    dom.time.value = table.at;
    dom.at.textContent = table.at;
    dom.at.dateTime = table.at;
    if (!dom.slider.disabled) dom.slider.value = String(ms);
    const rendering = performance.now();
    renderChange();
    renderTable();
    dom.table.dataset.at = table.at;
    // What a table took, for people and the speed test: the answer's round trip, then the rows built and laid out
    // (reading a size lays the page out now, as the browser would before painting it).
    void dom.table.offsetHeight;
    dom.table.dataset.loadMs = String(Math.round(performance.now() - started));
    dom.table.dataset.renderMs = String(Math.round(performance.now() - rendering));
    setState('ready', 'Ready');
    const around = step && step.change ? Date.parse(step.change.at) : ms;
    loadFrames(mine, around);
  }

  async function stepTo(direction) {
    if (!view.table) return;
    const mine = ++generation;
    setState('loading', 'Loading…');
    showError('');
    const step = await ask(mine, 'step', { connection: view.connection, at: view.table.at, direction });
    if (!step) return;
    if (!step.change) {
      setState('ready', 'Ready');
      showError(direction === 'next' ? 'No later change in what the topic holds.'
        : 'No earlier change in what the topic holds.');
      return;
    }
    await show(step.moveTo, step);
  }

  async function loadFrames(mine, aroundMs) {
    const from = new Date(aroundMs - FRAMES_BEFORE_MS).toISOString();
    const to = new Date(aroundMs + FRAMES_AFTER_MS).toISOString();
    dom.frames.dataset.state = 'loading';
    try {
      const answer = await api('frames', { connection: view.connection, from, to, limit: FRAMES_LIMIT });
      if (mine !== generation) return;
      renderFrames(answer);
    } catch (error) {
      if (mine !== generation || error instanceof Unauthorized) return;
      dom.frames.replaceChildren(el('li', { class: 'notice', text: error.message }));
      dom.framesHint.textContent = '';
      dom.frames.dataset.state = 'error';
    }
  }

  // ---- rendering -----------------------------------------------------------------------------------------

  function applied() {
    return view.step && view.step.change && Date.parse(view.table.at) >= Date.parse(view.step.change.at);
  }

  function renderChange() {
    const step = view.step;
    if (!step || !step.change) {
      dom.change.hidden = true;
      dom.change.replaceChildren();
      return;
    }
    const change = step.change;
    const isApplied = applied();
    const list = el('ul', { class: 'changes' });
    for (const each of step.changes) {
      const fields = el('ul', { class: 'fields' });
      for (const field of each.fields) {
        fields.append(el('li', { 'data-field': field.field }, el('code', { text: field.field }), ': ',
          el('span', { class: 'old', text: text(field.before) }), ' → ',
          el('span', { class: 'new', text: text(field.after) })));
      }
      list.append(el('li', { 'data-session-key': each.sessionKey, 'data-kind': each.kind },
        el('strong', { text: each.kind }), ' ', el('code', { text: each.sessionKey }),
        ' — ' + each.cause.description, each.fields.length ? fields : null));
    }
    const count = step.changes.length;
    dom.change.dataset.kind = change.kind;
    dom.change.dataset.sessionKey = change.sessionKey;
    dom.change.dataset.at = change.at;
    dom.change.dataset.applied = isApplied ? 'true' : 'false';
    dom.change.replaceChildren(
      el('h2', { text: 'Change at ' + change.at }),
      el('p', { class: 'hint', text: (isApplied ? 'The table below shows it applied. '
        : 'The table below shows the moment before it. ')
        + (count > 1 || step.truncated ? (step.truncated ? 'More than ' + count : String(count))
          + ' changes were written at this instant.' : '') }),
      list);
    dom.change.hidden = false;
  }

  function bannerFor(status, count) {
    if (!status) {
      return { state: STATES.CONNECTING, text: 'Status unknown', detail: 'no status written by then' };
    }
    const since = status.since ? 'since ' + new Date(status.since).toISOString() : '';
    const known = 'the last known ' + plural(count, 'session');
    switch (status.state) {
      case STATES.CONNECTED:
        return { state: STATES.CONNECTED, text: 'Connected',
          detail: status.gatewayVersion ? 'OpenClaw ' + status.gatewayVersion : '' };
      case STATES.CONNECTING:
        return { state: STATES.CONNECTING, text: 'Connecting…', detail: count ? known : '' };
      case STATES.AUTH_FAILED:
        return { state: STATES.AUTH_FAILED, text: 'Authentication failed', detail: status.reason || '' };
      case STATES.UNREACHABLE:
        return { state: STATES.UNREACHABLE, text: 'Gateway unreachable ' + since + ' — ' + known,
          detail: status.reason || '' };
      default:
        return { state: status.state, text: 'Gateway disconnected ' + since + ' — ' + known,
          detail: status.reason || '' };
    }
  }

  function basisText(table) {
    if (table.basis) {
      return 'Rebuilt from snapshot ' + table.basis.snapshotId + ' (' + table.basis.reason + ') written at '
        + table.basis.at + ', then every change up to this time.';
    }
    return 'No snapshot by this time: folded from the first event the topic holds.';
  }

  function renderTable() {
    const table = view.table;
    const highlighted = new Map();
    const ghosts = [];
    if (applied()) {
      for (const change of view.step.changes) {
        highlighted.set(change.sessionKey, change.kind);
        // A removed row is gone from the table: shown struck through, without data-key, so the table stays exact.
        if (change.kind === 'removed' && change.before) ghosts.push(change.before);
      }
    }
    const pending = new Map();
    if (view.step && view.step.change && !applied()) {
      for (const change of view.step.changes) pending.set(change.sessionKey, change.kind);
    }
    const status = table.status;
    const banner = bannerFor(status, table.sessions.length);
    const stale = !status || status.state !== STATES.CONNECTED;
    const section = el('section', { class: 'gateway', 'aria-labelledby': 'gw-' + table.connection,
      'data-connection': table.connection },
      el('h2', { id: 'gw-' + table.connection, text: 'Gateway ' + table.connection + ' at ' + table.at }),
      el('p', { id: 'replay-banner', class: 'banner', role: 'status', 'data-state': banner.state }, banner.text,
        banner.detail ? el('span', { class: 'detail', text: ' — ' + banner.detail }) : null),
      el('p', { id: 'replay-basis', class: 'empty', 'data-exact': String(table.exact) }, basisText(table),
        table.exact ? null : el('strong', { text: ' Retention has deleted the beginning of the topic: sessions '
          + 'created before it may be missing.' })));
    if (!table.sessions.length) {
      section.append(el('p', { class: 'empty', id: 'replay-empty', text: 'No sessions at this time.' }));
    }
    const byAgent = new Map();
    const add = (session, ghost) => {
      const name = agentOf(session);
      if (!byAgent.has(name)) byAgent.set(name, []);
      byAgent.get(name).push({ session, ghost });
    };
    table.sessions.forEach((session) => add(session, false));
    ghosts.forEach((session) => add(session, true));
    for (const [name, entries] of [...byAgent.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      section.append(renderAgent(table.connection, name, entries, stale, highlighted, pending));
    }
    dom.table.replaceChildren(section);
  }

  // One formatter for every row: toLocaleString() makes one per call.
  const NUMBER = new Intl.NumberFormat();

  const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

  function escape(value) {
    return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
  }

  function attr(name, value) {
    return value === null || value === undefined || value === '' ? '' : ' ' + name + '="' + escape(value) + '"';
  }

  // Rows are written as one escaped HTML string per agent: for a 10,000-session table several times faster than
  // building 70,000 elements one by one, and the page's budget is one second.
  function rowHtml(session, ghost, kind, pendingKind, stale) {
    const classes = [stale ? 'stale' : '', kind ? 'flash-' + kind : '', pendingKind ? 'pending' : '']
      .filter(Boolean).join(' ');
    const tokens = typeof session.totalTokens === 'number' ? NUMBER.format(session.totalTokens) : '—';
    return '<tr' + attr('class', classes) + attr(ghost ? 'data-removed-key' : 'data-key', session.key)
      + attr('data-change', kind) + attr('data-pending', pendingKind) + attr('data-status', session.status) + '>'
      + '<th scope="row">' + escape(session.displayName || session.label || session.key) + '</th>'
      + '<td class="optional">' + escape([session.kind, session.channel].filter(Boolean).join(' / ') || '—') + '</td>'
      + '<td class="optional">' + escape(session.model || '—') + '</td>'
      + '<td>' + escape(session.status || (session.hasActiveRun ? 'running' : '—')) + '</td>'
      + '<td class="num">' + escape(tokens) + '</td>'
      + '<td><time>' + escape(clock(session.updatedAt)) + '</time></td></tr>';
  }

  function renderAgent(connectionId, agentName, entries, stale, highlighted, pending) {
    entries.sort((a, b) => (b.session.updatedAt || 0) - (a.session.updatedAt || 0)
      || (a.session.key < b.session.key ? -1 : a.session.key > b.session.key ? 1 : 0));
    const live = entries.filter((entry) => !entry.ghost).length;
    const all = view.expanded.has(agentName) || entries.length <= ROWS_SHOWN;
    const html = [];
    let shown = 0;
    entries.forEach(({ session, ghost }, index) => {
      const kind = ghost ? 'removed' : highlighted.get(session.key);
      const pendingKind = ghost ? null : pending.get(session.key);
      // The selected change's rows are always shown, wherever they sort.
      if (!all && index >= ROWS_SHOWN && !kind && !pendingKind) return;
      if (!ghost) shown++;
      html.push(rowHtml(session, ghost, kind, pendingKind, stale));
    });
    const body = el('tbody');
    body.innerHTML = html.join('');
    const headingId = 'agent-' + connectionId + '-' + agentName;
    const more = live - shown;
    return el('div', { class: 'agent', 'data-agent': agentName, 'data-sessions': String(live) },
      el('h3', { id: headingId, text: 'Agent ' + agentName + ' · ' + plural(live, 'session') }),
      el('div', { class: 'table-wrap' },
        el('table', { 'aria-labelledby': headingId },
          el('thead', {}, el('tr', {},
            el('th', { scope: 'col', text: 'Session' }),
            el('th', { scope: 'col', class: 'optional', text: 'Kind / channel' }),
            el('th', { scope: 'col', class: 'optional', text: 'Model' }),
            el('th', { scope: 'col', text: 'Status' }),
            el('th', { scope: 'col', class: 'num', text: 'Total tokens' }),
            el('th', { scope: 'col', text: 'Updated (UTC)' }))),
          body)),
      more > 0 ? el('p', { class: 'more' }, 'The ' + plural(shown, 'most recently updated session') + ' of '
        + live + ' shown. ', el('button', { type: 'button', class: 'show-all', 'data-agent': agentName,
        text: 'Show all ' + plural(live, 'session') })) : null);
  }

  function renderFrames(answer) {
    const cause = view.step && view.step.change ? view.step.change.cause.upstreamSeq : null;
    const items = answer.frames.map((frame) => {
      const isCause = cause !== null && cause !== undefined && frame.seq === cause;
      const shown = frame.unreadable ? '(not a readable frame record)' : String(frame.text || '');
      return el('li', { 'data-offset': String(frame.offset), 'data-seq': frame.seq === undefined ? null
        : String(frame.seq), 'data-cause': isCause ? 'true' : null, class: isCause ? 'cause' : null },
        el('time', { datetime: frame.at, text: clock(Date.parse(frame.at)) }), ' ',
        el('strong', { text: frame.event || frame.frameType || 'frame' }),
        frame.seq === undefined ? '' : ' seq ' + frame.seq, ' ',
        el('code', { text: shown.length > FRAME_TEXT_LIMIT ? shown.slice(0, FRAME_TEXT_LIMIT) + '…' : shown,
          title: shown.length > FRAME_TEXT_LIMIT ? shown : null }));
    });
    if (!items.length) items.push(el('li', { class: 'notice', text: 'No frames in this span.' }));
    dom.frames.replaceChildren(...items);
    dom.framesHint.textContent = '(' + answer.from + ' … ' + answer.to + ': '
      + plural(answer.frames.length, 'frame') + (answer.truncated ? ', more not shown' : '') + ')';
    dom.frames.dataset.state = 'ready';
  }

  // ---- wiring ------------------------------------------------------------------------------------------

  dom.connection.addEventListener('change', () => {
    chooseConnection(dom.connection.value, '').catch(failed);
  });
  dom.slider.addEventListener('input', () => {
    dom.at.textContent = new Date(Number(dom.slider.value)).toISOString() + ' (release to show)';
  });
  dom.slider.addEventListener('change', () => {
    show(new Date(Number(dom.slider.value)).toISOString(), null).catch(failed);
  });
  dom.controls.addEventListener('submit', (event) => {
    event.preventDefault();
    if (view.connection) show(dom.time.value.trim() || 'now', null).catch(failed);
  });
  dom.table.addEventListener('click', (event) => {
    const button = event.target.closest('button.show-all');
    if (!button || !view.table) return;
    view.expanded.add(button.dataset.agent);
    renderTable();
  });
  dom.previous.addEventListener('click', () => stepTo('previous').catch(failed));
  dom.next.addEventListener('click', () => stepTo('next').catch(failed));
  window.crewstreamPages.onSubmit(start);

  start();
})();
