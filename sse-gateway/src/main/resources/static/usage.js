/*
 * crewstream usage page: every agent's tokens per minute and active sessions over the last hours, drawn with uPlot
 * from /api/usage (the agent-usage topic, read on demand), refreshed every 30 s. A minute an agent has no record for
 * had no change: its tokens are 0 and its active sessions those of the minute before.
 */
(() => {
  'use strict';

  const { api, refusal } = window.crewstreamPages;

  const REFRESH_MS = 30000;
  const MINUTE_MS = 60000;
  const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

  const dom = {
    state: document.getElementById('usage-state'),
    updated: document.getElementById('usage-updated'),
    hours: document.getElementById('usage-hours'),
    connection: document.getElementById('usage-connection'),
    error: document.getElementById('usage-error'),
    tokens: document.getElementById('chart-tokens'),
    active: document.getElementById('chart-active'),
    totals: document.querySelector('#usage-totals tbody'),
  };

  let charts = [];
  let timer = null;

  function setState(state, text) {
    dom.state.dataset.state = state;
    dom.state.textContent = text;
  }

  function showError(message) {
    dom.error.textContent = message;
    dom.error.hidden = !message;
  }

  async function load() {
    const params = new URLSearchParams({ hours: dom.hours.value });
    if (dom.connection.value) params.set('connection', dom.connection.value);
    const response = await api('/api/usage?' + params);
    if (response.status === 401) {
      setState('unauthorized', 'Not signed in');
      window.crewstreamPages.ask((await refusal(response)).message);
      return;
    }
    if (response.status === 403 || response.status === 429) {
      // Out of the token's scope, or too many requests: shown; the next refresh asks again.
      setState('error', 'Error');
      showError((await refusal(response)).message);
      return;
    }
    const body = await response.json();
    if (!response.ok) {
      setState('error', 'Error');
      showError(body.error || 'The server answered ' + response.status);
      return;
    }
    // Records the server could not read are left out of the charts; say so rather than chart less silently.
    showError(body.unreadableRecords ? body.unreadableRecords + ' usage record(s) in this span could not be read '
      + 'and are left out (the server logged the first).' : '');
    draw(body);
    setState('live', 'Live');
    dom.updated.textContent = new Date().toISOString();
  }

  /** Minutes from the span's first to its last, and per agent the value of each (carried or zero). */
  function series(body) {
    const from = Math.floor(Date.parse(body.from) / MINUTE_MS) * MINUTE_MS;
    const to = Math.floor(Date.parse(body.to) / MINUTE_MS) * MINUTE_MS;
    const minutes = [];
    for (let minute = from; minute <= to; minute += MINUTE_MS) minutes.push(minute);
    const agents = body.agents.map((agent) => {
      const byMinute = new Map(agent.minutes.map((point) => [point.minuteStart, point]));
      let active = null;
      const tokens = [];
      const sessions = [];
      for (const minute of minutes) {
        const point = byMinute.get(minute);
        if (point) active = point.activeSessions;
        tokens.push(point ? point.tokensConsumed : 0);
        sessions.push(active);
      }
      return { agent, tokens, sessions };
    });
    return { minutes, agents };
  }

  function draw(body) {
    const data = series(body);
    const names = data.agents.map((each) => each.agent.connectionId + ' / ' + each.agent.agentId);
    const x = data.minutes.map((minute) => minute / 1000);
    charts.forEach((chart) => chart.destroy());
    charts = [];
    dom.tokens.dataset.agents = String(data.agents.length);
    dom.active.dataset.agents = String(data.agents.length);
    if (!data.agents.length) {
      dom.tokens.textContent = 'No usage recorded in this span.';
      dom.active.textContent = '';
    } else {
      dom.tokens.textContent = '';
      dom.active.textContent = '';
      charts.push(chart(dom.tokens, names, [x, ...data.agents.map((each) => each.tokens)], 'tokens'));
      charts.push(chart(dom.active, names, [x, ...data.agents.map((each) => each.sessions)], 'sessions'));
    }
    totals(body);
  }

  function chart(target, names, data, unit) {
    const width = Math.max(320, target.clientWidth || 900);
    return new uPlot({
      width,
      height: 260,
      scales: { x: { time: true } },
      axes: [{}, { label: unit, size: 80 }],
      series: [{}, ...names.map((name, i) => ({
        label: name,
        stroke: COLOURS[i % COLOURS.length],
        width: 2,
        spanGaps: false,
      }))],
    }, data, target);
  }

  function totals(body) {
    dom.totals.replaceChildren(...body.agents.map((agent) => {
      const sum = (field) => agent.minutes.reduce((total, point) => total + point[field], 0);
      const runs = {};
      agent.minutes.forEach((point) => Object.entries(point.runsFinished).forEach(([outcome, count]) => {
        runs[outcome] = (runs[outcome] || 0) + count;
      }));
      const row = document.createElement('tr');
      row.dataset.agent = agent.agentId;
      [agent.connectionId, agent.agentId, sum('tokensConsumed'), sum('sessionsCreated'), sum('sessionsRemoved'),
        Object.entries(runs).map(([outcome, count]) => outcome + ' ' + count).join(', ') || '—']
        .forEach((value, i) => {
          const cell = document.createElement('td');
          if (i >= 2 && i <= 4) cell.className = 'num';
          cell.textContent = String(value);
          row.append(cell);
        });
      return row;
    }));
  }

  async function loadGateways() {
    try {
      const response = await api('/api/gateways');
      if (!response.ok) return;
      const gateways = await response.json();
      for (const gateway of gateways) {
        const option = document.createElement('option');
        option.value = gateway.connectionId;
        option.textContent = gateway.connectionId;
        dom.connection.append(option);
      }
    } catch (ignored) {
      // The filter is optional; the charts show every gateway meanwhile.
    }
  }

  function refresh() {
    clearTimeout(timer);
    load().catch((error) => {
      setState('error', 'Error');
      showError(error.message || String(error));
    }).finally(() => {
      timer = setTimeout(refresh, REFRESH_MS);
    });
  }

  dom.hours.addEventListener('change', refresh);
  dom.connection.addEventListener('change', refresh);
  window.crewstreamPages.onSubmit(() => {
    loadGateways();
    refresh();
  });

  loadGateways();
  refresh();
})();
