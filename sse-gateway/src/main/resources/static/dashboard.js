/*
 * crewstream live dashboard: the reference client of the SSE contract.
 * Live data comes only from EventSource('/api/events'), opened with a fresh single-use stream ticket each time and
 * resumed from the last event id seen; event names come from contract.js, which the server generates from
 * crewstream-schemas. Filters are applied here (the stream carries everything) and kept in the URL.
 * Each gateway's section: its banner, its sessions counted by what they do, a card per agent (the projector's agents
 * table: status, current tool, last error, session counts) and the sessions grouped by agent.
 */
(() => {
  'use strict';

  const { streamTicket, el, plural, agentOf } = window.crewstreamPages;

  const EVENTS = window.CREWSTREAM_CONTRACT.events;
  const STATES = window.CREWSTREAM_CONTRACT.gatewayStates;
  const PIPELINE = window.CREWSTREAM_CONTRACT.pipelineStates;
  const LOG_LIMIT = 200;
  const FLASH_MS = 2000;
  const FIRST_RETRY_MS = 500;
  const MAX_RETRY_MS = 10000;
  // A stream that ends with auth-expired sooner than this after it opened was renewed into an access ending at once.
  const SHORT_STREAM_MS = 2000;

  // The activity states (ActivityState in crewstream-schemas) with what the page says for each: the text is what
  // tells the states apart, the colour (CSS on data-activity) only repeats it.
  const ACTIVITY = window.CREWSTREAM_CONTRACT.activityStates;
  const ACTIVITY_LABELS = Object.freeze({
    [ACTIVITY.IDLE]: 'Idle', [ACTIVITY.THINKING]: 'Thinking', [ACTIVITY.RUNNING_TOOL]: 'Running tool',
    [ACTIVITY.ERROR]: 'Error',
  });
  // CrewHub's session status (SseSession): 'active' while a run is in progress. Used only when the session's
  // activity is not known yet (no run event of it seen).
  const CREWHUB_ACTIVE = window.CREWSTREAM_CONTRACT.sessionStatuses.ACTIVE;
  const CREWHUB_IDLE = window.CREWSTREAM_CONTRACT.sessionStatuses.IDLE;
  const RUNNING = 'running';

  const dom = {
    gateways: document.getElementById('gateways'),
    streamState: document.getElementById('stream-state'),
    lastEvent: document.getElementById('last-event'),
    log: document.getElementById('event-log'),
    connection: document.getElementById('filter-connection'),
    agent: document.getElementById('filter-agent'),
  };

  const model = {
    loaded: false,
    sessions: new Map(),   // "<connectionId>/<key>" -> session
    agents: new Map(),     // "<connectionId>/<agentId>" -> agent (SseAgent)
    gateways: new Map(),   // connectionId -> gateway status
    pipeline: null,        // {state, since, reason, reasonCode}: whether this view is kept up to date
    flashes: new Map(),    // row or card id -> {kind, until}
    removed: new Map(),    // row id -> session, shown struck through until its flash ends
  };

  let source = null;
  let lastEventId = '';
  // The gateways the last stream's ticket allowed, as a comparable string; null before the first.
  let streamScope = null;
  let opened = false;
  let retryDelayMs = FIRST_RETRY_MS;
  let renewDelayMs = FIRST_RETRY_MS;
  let streamOpenedAt = 0;
  let retryTimer = null;
  let attempt = 0;         // the current connect(); an older one's answer arriving late is dropped
  let lastLiveAt = null;   // when the stream last carried something: the "as of" of a view that stopped following
  let renderQueued = false;

  // ---- helpers -------------------------------------------------------------------------------------------

  const rowId = (connectionId, key) => connectionId + '/' + key;
  const cardId = (agent) => 'card:' + agent.connectionId + '/' + agent.id;

  function clock(ms, seconds) {
    const parts = { hour: '2-digit', minute: '2-digit' };
    if (seconds) parts.second = '2-digit';
    return new Date(ms).toLocaleTimeString([], parts);
  }

  function ago(ms) {
    if (typeof ms !== 'number') return 'unknown';
    const seconds = Math.max(0, Math.round((Date.now() - ms) / 1000));
    if (seconds < 60) return seconds + ' s ago';
    if (seconds < 3600) return Math.floor(seconds / 60) + ' min ago';
    return Math.floor(seconds / 3600) + ' h ago';
  }

  /** How long since {@code ms}: "for 12 s", "for 3 min 5 s", "for 2 h 10 min". */
  function lasting(ms) {
    if (typeof ms !== 'number') return '';
    const seconds = Math.max(0, Math.floor((Date.now() - ms) / 1000));
    if (seconds < 60) return 'for ' + seconds + ' s';
    if (seconds < 3600) return 'for ' + Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s';
    return 'for ' + Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
  }

  /**
   * What a session is doing, for its status cell and its gateway's counts: {state, text, since?, lasting?} (lasting:
   * show "for N s" since then, else "N s ago"). The activity when known; else CrewHub's status (active/idle); else,
   * from a server older than activities, the gateway's run status as it came.
   */
  function sessionActivity(session) {
    const activity = session.activity;
    if (activity && activity.state) {
      switch (activity.state) {
        case ACTIVITY.RUNNING_TOOL:
          return { state: activity.state, text: 'Running tool: ' + (activity.toolName || 'unknown')
            + (activity.runningTools > 1 ? ' (+' + (activity.runningTools - 1) + ' more)' : ''),
            since: activity.since, lasting: true };
        case ACTIVITY.THINKING:
          return { state: activity.state, text: ACTIVITY_LABELS[activity.state], since: activity.since, lasting: true };
        case ACTIVITY.ERROR:
          return { state: activity.state, text: 'Error: ' + (activity.lastError ? activity.lastError.kind : 'unknown'),
            since: activity.lastError ? activity.lastError.at : activity.since };
        default:
          return { state: activity.state, text: ACTIVITY_LABELS[activity.state] || activity.state };
      }
    }
    if (session.status === CREWHUB_ACTIVE) return { state: RUNNING, text: 'Running' };
    if (session.status === CREWHUB_IDLE) return { state: ACTIVITY.IDLE, text: ACTIVITY_LABELS[ACTIVITY.IDLE] };
    if (session.hasActiveRun) return { state: RUNNING, text: 'Running' };
    return { state: 'unknown', text: session.status || '—' };
  }

  /** The counts line's bucket of a session: running (any run in progress), error or idle. */
  function bucketOf(activity) {
    if (activity.state === ACTIVITY.RUNNING_TOOL || activity.state === ACTIVITY.THINKING
        || activity.state === RUNNING) return 'running';
    return activity.state === ACTIVITY.ERROR ? 'error' : 'idle';
  }

  // ---- URL, filters and token ----------------------------------------------------------------------------

  function filters() {
    const params = new URLSearchParams(location.search);
    return { connection: params.get('connection') || '', agent: params.get('agent') || '' };
  }

  function setFilter(name, value) {
    const params = new URLSearchParams(location.search);
    if (value) params.set(name, value); else params.delete(name);
    const query = params.toString();
    history.replaceState(null, '', location.pathname + (query ? '?' + query : ''));
    scheduleRender();
  }

  // ---- stream ----------------------------------------------------------------------------------------------

  let streamState = { state: 'connecting', text: 'Connecting…' };

  // The stream may be open while the pipeline behind it is paused: then the page must not say "Live".
  function setStreamState(state, text) {
    streamState = { state, text };
    showStreamState();
  }

  function showStreamState() {
    const paused = model.pipeline && model.pipeline.state === PIPELINE.PAUSED
      && (streamState.state === 'live' || streamState.state === 'resumed');
    dom.streamState.dataset.state = paused ? 'paused' : streamState.state;
    dom.streamState.textContent = paused ? 'Live data paused since ' + clock(model.pipeline.since, true)
      + ' — last known state below' : streamState.text;
    dom.streamState.title = paused ? (model.pipeline.reason || '') : '';
  }

  /*
   * The stream, one phase at a time: connecting (asking for a ticket, then opening with it), live / resumed,
   * reconnecting (the stream failed or the server is down: retried with backoff, each time with a new ticket and the
   * last id), renewing (auth-expired: a new ticket with the credentials held now), limited (429: retried after
   * Retry-After), unauthorized (401: the token form is shown; nothing reconnects until a token is entered — never
   * without credentials). The browser's own EventSource reconnect is never used: it would present the spent ticket.
   */
  async function connect() {
    clearTimeout(retryTimer);
    closeSource();
    const mine = ++attempt;
    let answer;
    try {
      answer = await streamTicket();
    } catch (unreachable) {
      if (mine === attempt) retryLater();
      return;
    }
    if (mine !== attempt) return;
    if (answer.refused) refused(answer.refused);
    else open(answer.ticket, answer.gateways);
  }

  function open(ticket, gateways) {
    // A renewed token may see other gateways than the last: a resume would bring only the changes since the last id,
    // not the sessions of a gateway it may see now (nor take away those of one it may not). Start over instead.
    const scope = JSON.stringify(gateways || []);
    if (streamScope !== null && scope !== streamScope) lastEventId = '';
    streamScope = scope;
    const params = new URLSearchParams({ ticket });
    if (lastEventId) params.set('lastEventId', lastEventId);
    source = new EventSource('/api/events?' + params);
    source.onopen = () => {
      retryDelayMs = FIRST_RETRY_MS;
      streamOpenedAt = Date.now();
      setStreamState(opened ? 'resumed' : 'live', opened ? 'Resumed' : 'Live');
      opened = true;
      markFollowing(true);
    };
    source.onerror = () => {
      // Closed by the server, refused (a ticket spent or expired, too many streams) or the network: a new ticket.
      closeSource();
      retryLater();
    };
    source.addEventListener(EVENTS.SESSIONS_REFRESH, (event) => handle(event, onRefresh));
    source.addEventListener(EVENTS.SESSION_CREATED, (event) => handle(event, onUpsert));
    source.addEventListener(EVENTS.SESSION_UPDATED, (event) => handle(event, onUpsert));
    source.addEventListener(EVENTS.SESSION_REMOVED, (event) => handle(event, onRemoved));
    source.addEventListener(EVENTS.AGENTS_REFRESH, (event) => handle(event, onAgentsRefresh));
    source.addEventListener(EVENTS.AGENT_UPDATED, (event) => handle(event, onAgentUpdated));
    source.addEventListener(EVENTS.GATEWAY_STATUS, (event) => handle(event, onGatewayStatus));
    source.addEventListener(EVENTS.PIPELINE_STATUS, (event) => handle(event, onPipelineStatus));
    source.addEventListener(EVENTS.AUTH_EXPIRED, onAuthExpired);
  }

  function closeSource() {
    if (source) source.close();
    source = null;
  }

  function retryLater() {
    setStreamState('reconnecting', 'Reconnecting…');
    markFollowing(false);
    retryTimer = setTimeout(connect, retryDelayMs);
    retryDelayMs = Math.min(retryDelayMs * 2, MAX_RETRY_MS);
  }

  /** The access behind the stream ended (the server closes it next): renew with whatever credentials are held now. */
  function onAuthExpired(event) {
    closeSource();
    log(event.type, JSON.parse(event.data));
    setStreamState('renewing', 'Access expired — renewing…');
    markFollowing(false);
    if (Date.now() - streamOpenedAt >= SHORT_STREAM_MS) {
      renewDelayMs = FIRST_RETRY_MS;
      connect();
      return;
    }
    // Expired again as soon as it opened: the credentials were taken, but their end is now (another instance's clock
    // runs ahead, or the token expires this very second). Slow down rather than spin through tickets.
    retryTimer = setTimeout(connect, renewDelayMs);
    renewDelayMs = Math.min(renewDelayMs * 2, MAX_RETRY_MS);
  }

  function refused(refusal) {
    markFollowing(false);
    if (refusal.status === 429) {
      setStreamState('limited', refusal.message + ' Retrying in ' + Math.ceil(refusal.retryAfterMs / 1000) + ' s.');
      retryTimer = setTimeout(connect, refusal.retryAfterMs);
    } else if (refusal.status === 401 || refusal.status === 403) {
      setStreamState('unauthorized', lastLiveAt ? 'Not signed in — last known state below, as of '
        + clock(lastLiveAt, true) : 'Not signed in');
      window.crewstreamPages.ask(refusal.message);
    } else {
      retryLater();
    }
  }

  /**
   * Whether what the page shows is being kept up to date. When it is not, the last known state stays on the page
   * and says so (greyed, with the time it was last live), and a page that never loaded says it has nothing to show:
   * never an empty view presented as the truth.
   */
  function markFollowing(following) {
    dom.gateways.dataset.following = String(following);
    if (following) {
      dom.gateways.removeAttribute('title');
    } else if (lastLiveAt) {
      dom.gateways.title = 'Not live: the last known state, as of ' + clock(lastLiveAt, true);
    }
    const loading = document.getElementById('loading');
    if (loading && !model.loaded) {
      loading.textContent = following ? 'Loading the current state…' : 'Not connected: nothing to show yet.';
    }
  }

  function handle(event, apply) {
    if (event.lastEventId) lastEventId = event.lastEventId;
    lastLiveAt = Date.now();
    const payload = JSON.parse(event.data);
    apply(payload, event.type);
    dom.lastEvent.textContent = new Date().toLocaleTimeString();
    dom.lastEvent.dateTime = new Date().toISOString();
    log(event.type, payload);
    scheduleRender();
  }

  function onRefresh(payload) {
    model.loaded = true;
    model.sessions.clear();
    model.gateways.clear();
    for (const gateway of payload.gateways) model.gateways.set(gateway.connectionId, gateway);
    for (const session of payload.sessions) model.sessions.set(rowId(session.connectionId, session.key), session);
    if (payload.pipeline) onPipelineStatus(payload.pipeline);
  }

  function onPipelineStatus(pipeline) {
    model.pipeline = pipeline;
    showStreamState();
  }

  function onUpsert(session, type) {
    const id = rowId(session.connectionId, session.key);
    model.removed.delete(id);
    model.sessions.set(id, session);
    flash(id, type === EVENTS.SESSION_CREATED ? 'created' : 'updated');
  }

  function onRemoved(payload) {
    const id = rowId(payload.connectionId, payload.key);
    const session = model.sessions.get(id);
    model.sessions.delete(id);
    if (session) {
      model.removed.set(id, session);
      flash(id, 'removed');
    }
  }

  function onGatewayStatus(gateway) {
    model.gateways.set(gateway.connectionId, gateway);
  }

  // Every agent of every gateway: an agent missing from it has left (there is no removal event for agents).
  function onAgentsRefresh(payload) {
    model.agents.clear();
    for (const agent of payload.agents) model.agents.set(rowId(agent.connectionId, agent.id), agent);
  }

  function onAgentUpdated(agent) {
    const id = rowId(agent.connectionId, agent.id);
    const before = model.agents.get(id);
    model.agents.set(id, agent);
    // Counts and times change often; flash the card only when what it says at the top changes.
    if (!before || before.status !== agent.status || toolOf(before) !== toolOf(agent)) {
      flash(cardId(agent), 'updated');
    }
  }

  const toolOf = (agent) => (agent.currentTool ? agent.currentTool.toolName : '');

  function flash(id, kind) {
    model.flashes.set(id, { kind, until: Date.now() + FLASH_MS });
    setTimeout(() => {
      const current = model.flashes.get(id);
      if (current && current.until <= Date.now()) {
        model.flashes.delete(id);
        model.removed.delete(id);
        scheduleRender();
      }
    }, FLASH_MS + 50);
  }

  function log(type, payload) {
    let summary;
    if (type === EVENTS.SESSIONS_REFRESH) {
      summary = plural(payload.sessions.length, 'session') + ', ' + plural(payload.gateways.length, 'gateway');
    } else if (type === EVENTS.GATEWAY_STATUS) {
      summary = payload.connectionId + ' → ' + payload.state + (payload.reason ? ' (' + payload.reason + ')' : '')
        + (payload.pausedSince ? ', no word since ' + clock(payload.pausedSince, true) : '');
    } else if (type === EVENTS.PIPELINE_STATUS) {
      summary = payload.state + (payload.reason ? ' (' + payload.reason + ')' : '');
    } else if (type === EVENTS.AUTH_EXPIRED) {
      summary = payload.reason + ' (at ' + clock(payload.expiredAt, true) + ')';
    } else if (type === EVENTS.AGENTS_REFRESH) {
      summary = plural(payload.agents.length, 'agent');
    } else if (type === EVENTS.AGENT_UPDATED) {
      summary = payload.connectionId + ' ' + payload.id + ' → ' + payload.status
        + (payload.currentTool ? ' (' + payload.currentTool.toolName + ')' : '');
    } else {
      summary = payload.connectionId + ' ' + payload.key;
    }
    dom.log.prepend(el('li', {}, el('time', { text: new Date().toLocaleTimeString() }), ' ',
      el('strong', { text: type }), ' ' + summary));
    while (dom.log.children.length > LOG_LIMIT) dom.log.lastElementChild.remove();
  }

  // ---- rendering -------------------------------------------------------------------------------------------

  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(() => {
      renderQueued = false;
      render();
    });
  }

  function bannerFor(gateway, count) {
    if (!gateway) {
      return { state: STATES.CONNECTING, text: 'Status unknown', detail: 'no status received from this gateway yet' };
    }
    const since = clock(gateway.since);
    const known = 'showing the last known ' + plural(count, 'session');
    if (gateway.pausedSince) {
      // The pipeline stopped telling us about this gateway: its state is only the last one known.
      return { state: 'paused', text: 'No word from the pipeline since ' + clock(gateway.pausedSince, true) + ' — '
        + known, detail: 'last known state: ' + gateway.state + (gateway.reason ? ' (' + gateway.reason + ')' : '') };
    }
    switch (gateway.state) {
      case STATES.CONNECTED:
        return { state: STATES.CONNECTED, text: 'Connected',
          detail: [gateway.gatewayVersion ? 'OpenClaw ' + gateway.gatewayVersion : '',
            gateway.owner ? 'via ' + gateway.owner : ''].filter(Boolean).join(' · ') };
      case STATES.CONNECTING:
        // A handover (the ingestors rebalanced) is connecting too, and its reason says so.
        return { state: STATES.CONNECTING, text: 'Connecting…',
          detail: [gateway.reason || '', count ? known : ''].filter(Boolean).join(' — ') };
      case STATES.AUTH_FAILED:
        return { state: STATES.AUTH_FAILED, text: 'Authentication failed',
          detail: (gateway.reason || '') + (count ? ' — ' + known : '') };
      case STATES.UNREACHABLE:
        return { state: STATES.UNREACHABLE, text: 'Gateway unreachable since ' + since + ' — ' + known,
          detail: gateway.reason || '' };
      default:
        return { state: gateway.state, text: 'Gateway disconnected since ' + since + ' — ' + known,
          detail: gateway.reason || '' };
    }
  }

  function emptyText(gateway) {
    if (gateway && gateway.state === STATES.CONNECTED) {
      // Connected but no snapshot taken yet: the first (possibly multi-chunk) snapshot is still on its way.
      return gateway.lastSnapshotAt ? 'No sessions yet' : 'Loading sessions…';
    }
    return 'No sessions known for this gateway while it is not connected';
  }

  function render() {
    const { connection, agent } = filters();
    const rows = [...model.sessions.entries(), ...model.removed.entries()];
    const agents = [...model.agents.values()];

    updateOptions(dom.connection, new Set([...model.gateways.keys(), ...rows.map(([, s]) => s.connectionId),
      ...agents.map((a) => a.connectionId)]), connection, 'All gateways');
    updateOptions(dom.agent, new Set([...rows.map(([, s]) => agentOf(s)), ...agents.map((a) => a.id)]), agent,
      'All agents');

    if (!model.loaded) return;
    const byConnection = new Map();
    for (const id of model.gateways.keys()) byConnection.set(id, []);
    for (const [id, session] of rows) {
      if (!byConnection.has(session.connectionId)) byConnection.set(session.connectionId, []);
      byConnection.get(session.connectionId).push([id, session]);
    }
    // A gateway whose agents are known but whose sessions are not (none yet) still gets its section.
    for (const a of agents) if (!byConnection.has(a.connectionId)) byConnection.set(a.connectionId, []);

    const sections = [];
    for (const [connectionId, entries] of [...byConnection.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (connection && connection !== connectionId) continue;
      sections.push(renderGateway(connectionId, entries, agents.filter((a) => a.connectionId === connectionId),
        agent));
    }
    if (!sections.length) {
      sections.push(el('p', { class: 'notice', text: model.gateways.size || model.sessions.size || model.agents.size
        ? 'Nothing matches the filters.' : 'No gateway has reported yet.' }));
    }
    dom.gateways.replaceChildren(...sections);
  }

  function renderGateway(connectionId, entries, agents, agentFilter) {
    const gateway = model.gateways.get(connectionId);
    const live = entries.filter(([id]) => !model.removed.has(id));
    const banner = bannerFor(gateway, live.length);
    const stale = !gateway || gateway.stale;
    const section = el('section', { class: 'gateway', 'aria-labelledby': 'gw-' + connectionId, 'data-connection': connectionId },
      el('h2', { id: 'gw-' + connectionId, text: 'Gateway ' + connectionId }),
      el('p', { class: 'banner', role: 'status', 'data-state': banner.state }, banner.text,
        banner.detail ? el('span', { class: 'detail', text: ' — ' + banner.detail }) : null));

    const shown = entries.filter(([, s]) => !agentFilter || agentOf(s) === agentFilter);
    const shownAgents = agents.filter((a) => !agentFilter || a.id === agentFilter);
    section.append(renderCounts(shown.filter(([id]) => !model.removed.has(id)).map(([, s]) => s), shownAgents.length,
      stale));
    if (shownAgents.length) section.append(renderCards(connectionId, shownAgents, stale));
    if (!live.length) {
      section.append(el('p', { class: 'empty', text: emptyText(gateway) }));
    }
    const byAgent = new Map();
    for (const entry of shown) {
      const name = agentOf(entry[1]);
      if (!byAgent.has(name)) byAgent.set(name, []);
      byAgent.get(name).push(entry);
    }
    for (const [name, agentEntries] of [...byAgent.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      section.append(renderAgent(connectionId, name, agentEntries, stale));
    }
    return section;
  }

  /** The gateway's sessions (as filtered) by what they do: running, idle, errors, each a number and a word. */
  function renderCounts(sessions, agentCount, stale) {
    const counts = { running: 0, idle: 0, error: 0 };
    for (const session of sessions) counts[bucketOf(sessionActivity(session))] += 1;
    const part = (bucket, n, word) => el('span', { class: n ? 'count' : 'count none', 'data-bucket': bucket },
      el('strong', { text: String(n) }), ' ' + word);
    return el('p', { class: 'counts' + (stale ? ' stale' : ''), 'data-running': String(counts.running),
      'data-idle': String(counts.idle), 'data-errors': String(counts.error) },
      (stale ? 'Last known: ' : 'Sessions: '),
      part('running', counts.running, 'running'), ' · ',
      part('idle', counts.idle, 'idle'), ' · ',
      part('error', counts.error, counts.error === 1 ? 'error' : 'errors'), ' · ',
      plural(agentCount, 'agent'));
  }

  function renderCards(connectionId, agents, stale) {
    agents.sort((a, b) => (a.sort_order ?? 99) - (b.sort_order ?? 99) || a.id.localeCompare(b.id));
    return el('ul', { class: 'agent-cards', 'aria-label': 'Agents of gateway ' + connectionId },
      ...agents.map((agent) => renderCard(connectionId, agent, stale)));
  }

  function renderCard(connectionId, agent, stale) {
    const flashing = model.flashes.get(cardId(agent));
    const classes = ['agent-card', stale ? 'stale' : '', flashing ? 'flash-' + flashing.kind : ''].filter(Boolean);
    const headingId = 'card-' + connectionId + '-' + agent.id;
    const status = ACTIVITY_LABELS[agent.status] || agent.status;
    const meta = [agent.id !== agent.name ? agent.id : '', agent.display_name !== agent.name ? agent.display_name : '',
      agent.default_model, agent.isDefault ? 'default agent' : ''].filter(Boolean).join(' · ');
    const card = el('li', { class: classes.join(' '), 'data-agent': agent.id, 'data-status': agent.status,
      'aria-labelledby': headingId },
      el('h3', { id: headingId }, el('span', { class: 'icon', 'aria-hidden': 'true', text: agent.icon || '' }),
        ' ' + agent.name),
      meta ? el('p', { class: 'meta', text: meta }) : null,
      el('p', { class: 'agent-status' }, el('span', { class: 'activity', 'data-activity': agent.status,
        text: status }), stale ? el('span', { class: 'detail', text: ' (last known)' }) : null));
    if (agent.currentTool) {
      card.append(el('p', { class: 'tool' }, 'Tool ', el('code', { text: agent.currentTool.toolName }), ' ',
        el('time', { 'data-since': agent.currentTool.since, text: lasting(agent.currentTool.since) })));
    }
    if (agent.lastError) {
      card.append(el('p', { class: 'last-error' }, 'Last error: ' + agent.lastError.kind + ', ',
        el('time', { 'data-ts': agent.lastError.at, text: ago(agent.lastError.at) })));
    }
    card.append(el('p', { class: 'sessions' }, sessionCounts(agent.sessions)));
    if (agent.is_stale) {
      card.append(el('p', { class: 'note', text: 'Not in the gateway\'s agent list (known from its sessions)' }));
    }
    return card;
  }

  function sessionCounts(counts) {
    if (!counts || !counts.total) return 'No sessions';
    const parts = [[counts.runningTool, 'running a tool'], [counts.thinking, 'thinking'], [counts.error, 'in error'],
      [counts.idle, 'idle']].filter(([n]) => n).map(([n, word]) => n + ' ' + word);
    return plural(counts.total, 'session') + ': ' + parts.join(', ');
  }

  function renderActivity(session) {
    const activity = sessionActivity(session);
    const cell = el('td', { class: 'activity-cell' },
      el('span', { class: 'activity', 'data-activity': activity.state, text: activity.text }));
    if (typeof activity.since === 'number') {
      cell.append(' ', activity.lasting
        ? el('time', { 'data-since': activity.since, text: lasting(activity.since) })
        : el('time', { 'data-ts': activity.since, text: ago(activity.since) }));
    }
    return cell;
  }

  function renderAgent(connectionId, agentName, entries, stale) {
    entries.sort(([, a], [, b]) => (b.updatedAt || 0) - (a.updatedAt || 0));
    const body = el('tbody');
    for (const [id, session] of entries) {
      const flashing = model.flashes.get(id);
      const classes = [stale ? 'stale' : '', flashing ? 'flash-' + flashing.kind : ''].filter(Boolean).join(' ');
      body.append(el('tr', { class: classes || null, 'data-key': session.key, 'data-change': flashing ? flashing.kind : null },
        el('th', { scope: 'row', text: session.displayName || session.label || session.key }),
        el('td', { class: 'optional', text: [session.kind, session.channel].filter(Boolean).join(' / ') || '—' }),
        el('td', { class: 'optional', text: session.model || '—' }),
        renderActivity(session),
        el('td', { class: 'num', text: typeof session.totalTokens === 'number' ? session.totalTokens.toLocaleString() : '—' }),
        el('td', {}, el('time', { 'data-ts': session.updatedAt, text: ago(session.updatedAt) }))));
    }
    const headingId = 'agent-' + connectionId + '-' + agentName;
    return el('div', { class: 'agent' },
      el('h3', { id: headingId, text: 'Agent ' + agentName + ' · ' + plural(entries.length, 'session') }),
      el('div', { class: 'table-wrap' },
        el('table', { 'aria-labelledby': headingId },
          el('thead', {}, el('tr', {},
            el('th', { scope: 'col', text: 'Session' }),
            el('th', { scope: 'col', class: 'optional', text: 'Kind / channel' }),
            el('th', { scope: 'col', class: 'optional', text: 'Model' }),
            el('th', { scope: 'col', text: 'Status' }),
            el('th', { scope: 'col', class: 'num', text: 'Total tokens' }),
            el('th', { scope: 'col', text: 'Updated' }))),
          body)));
  }

  function updateOptions(select, values, selected, allLabel) {
    const wanted = ['', ...[...values].sort()];
    if (selected && !wanted.includes(selected)) wanted.push(selected);
    const current = [...select.options].map((option) => option.value);
    if (current.join('\n') !== wanted.join('\n')) {
      select.replaceChildren(...wanted.map((value) => el('option', { value, text: value || allLabel })));
    }
    select.value = selected;
  }

  // ---- wiring ------------------------------------------------------------------------------------------

  dom.connection.addEventListener('change', () => setFilter('connection', dom.connection.value));
  dom.agent.addEventListener('change', () => setFilter('agent', dom.agent.value));
  window.crewstreamPages.onSubmit(() => {
    retryDelayMs = FIRST_RETRY_MS;
    setStreamState('connecting', 'Connecting…');
    connect();
  });
  setInterval(() => {
    for (const time of dom.gateways.querySelectorAll('time[data-ts]')) {
      time.textContent = ago(Number(time.dataset.ts) || undefined);
    }
    for (const time of dom.gateways.querySelectorAll('time[data-since]')) {
      time.textContent = lasting(Number(time.dataset.since) || undefined);
    }
  }, 1000);

  connect();
})();
