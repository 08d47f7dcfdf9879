/*
 * What the dashboard, the replay page and the usage page share. Credentials: the access token is kept for this tab
 * only (sessionStorage) and sent as `Authorization: Bearer` on every fetch, never in a URL (the server refuses a JWT
 * there, and URLs end up in histories and access logs). Without a stored token the page relies on the same-site
 * cookie a login proxy may set. The event stream (EventSource cannot set headers) opens with a single-use stream
 * ticket fetched with those credentials. Refusals ({status, error, reason}) are read by their reason code, from the
 * server's contract, never spelt here; a 401 asks for a token in the page's #auth form. And the small DOM and naming
 * helpers.
 */
window.crewstreamPages = (() => {
  'use strict';

  const TOKEN_KEY = 'crewstream.accessToken';
  const TICKETS = '/api/stream-tickets';
  const REFUSALS = window.CREWSTREAM_CONTRACT.authRefusals;
  const DEFAULT_RETRY_AFTER_MS = 5000;

  // What a person is told for each refusal code; a code not listed here is shown with the server's own text.
  const REFUSAL_TEXT = Object.freeze({
    [REFUSALS.TOKEN_MISSING]: 'This page needs an access token.',
    [REFUSALS.TOKEN_EXPIRED]: 'Your access token has expired. Enter a new one to continue; the page catches up on '
      + 'everything that changed meanwhile.',
    [REFUSALS.TOKEN_INVALID]: 'That access token was not accepted (unknown, malformed or wrongly signed).',
    [REFUSALS.TOKEN_WRONG_ISSUER_OR_AUDIENCE]: 'That access token was issued for another service (wrong issuer or '
      + 'audience).',
    [REFUSALS.TOKEN_IN_URL]: 'Access tokens are not accepted in a URL. Enter it here instead.',
    [REFUSALS.OUT_OF_SCOPE]: 'Your access token does not cover that gateway.',
    [REFUSALS.TOO_MANY_STREAMS]: 'Too many open streams for this account.',
    [REFUSALS.TOO_MANY_TICKETS]: 'Too many connection attempts for this account.',
  });

  // A token handed over in the page URL would stay in the address bar, the history and any link copied from it:
  // keep it for this tab only and take it out of the URL before anything else runs. The fragment form
  // (#access_token=...) is the one to hand out: a fragment is never sent to a server, so it reaches no access log;
  // the query form (?access_token=...) still works, but the page's own request carried it to the server first.
  function moveTokenOutOfUrl() {
    const params = new URLSearchParams(location.search);
    const fragment = new URLSearchParams(location.hash.startsWith('#') ? location.hash.slice(1) : '');
    const value = fragment.has('access_token') ? fragment.get('access_token') : params.get('access_token');
    if (value === null) return;
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    params.delete('access_token');
    fragment.delete('access_token');
    const query = params.toString();
    const hash = fragment.toString();
    history.replaceState(null, '', location.pathname + (query ? '?' + query : '') + (hash ? '#' + hash : ''));
  }

  // Read at every request: a login proxy (or another tab's script) may have replaced it meanwhile.
  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  }

  /** fetch with this tab's credentials: the stored token as a Bearer header, else the same-site cookie. */
  function api(url, init) {
    const headers = new Headers((init && init.headers) || {});
    const value = token();
    if (value) headers.set('Authorization', 'Bearer ' + value);
    return fetch(url, { cache: 'no-store', ...init, headers, credentials: 'same-origin' });
  }

  /** A refused response as {status, reason, message, retryAfterMs}; message is what to tell the person. */
  async function refusal(response) {
    let body = null;
    try {
      body = await response.json();
    } catch (ignored) {
      // Not the API's JSON error (a proxy's page): the status says enough.
    }
    const reason = body && typeof body.reason === 'string' ? body.reason : '';
    const message = REFUSAL_TEXT[reason] || (body && body.error) || 'The server answered ' + response.status + '.';
    return { status: response.status, reason, message, retryAfterMs: retryAfter(response) };
  }

  function retryAfter(response) {
    const value = response.headers.get('Retry-After');
    const seconds = Number(value);
    if (value && Number.isFinite(seconds) && seconds >= 0) return Math.max(1000, seconds * 1000);
    const date = value ? Date.parse(value) : NaN;
    return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_MS : Math.max(1000, date - Date.now());
  }

  /**
   * A single-use ticket for opening the event stream: {ticket} when issued (also with authentication off, where the
   * stream ignores it), {refused} (see {@link refusal}) when not. Rejects when the server cannot be reached.
   */
  async function streamTicket() {
    const response = await api(TICKETS, { method: 'POST' });
    if (response.ok) {
      const body = await response.json();
      return { ticket: body.ticket, gateways: body.gateways };
    }
    return { refused: await refusal(response) };
  }

  /**
   * Shows the page's #auth form with the reason. Emptied of the token that was refused when it appears, not when it
   * is already shown (a page polling meanwhile would wipe what the person is typing).
   */
  function ask(message) {
    document.getElementById('auth-message').textContent = message;
    const form = document.getElementById('auth');
    const field = document.getElementById('auth-token');
    if (form.hidden) field.value = '';
    form.hidden = false;
    field.focus();
  }

  /** When the #auth form is submitted: keeps the token, hides the form, then calls {@code retry}. */
  function onSubmit(retry) {
    const form = document.getElementById('auth');
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, document.getElementById('auth-token').value.trim());
      form.hidden = true;
      retry();
    });
  }

  /** An element with attributes ({@code text} sets its text; false, null and undefined are left out) and children. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'text') node.textContent = value;
      else node.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  }

  function plural(n, word) {
    return n + ' ' + word + (n === 1 ? '' : 's');
  }

  /** The session's agent: its agentId, else the agent named in an `agent:<id>:…` key. */
  function agentOf(session) {
    if (session.agentId) return session.agentId;
    const parts = String(session.key || '').split(':');
    return parts.length >= 3 && parts[0] === 'agent' ? parts[1] : '(no agent)';
  }

  moveTokenOutOfUrl();
  return { api, refusal, streamTicket, ask, onSubmit, el, plural, agentOf };
})();
