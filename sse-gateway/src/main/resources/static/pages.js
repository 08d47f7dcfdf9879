/*
 * What the dashboard, the replay page and the usage page share. The access token: kept for this tab only
 * (sessionStorage), sent as ?access_token= (EventSource cannot set headers, so every request uses the same way), and
 * asked for in the page's #auth form when the server answers 401 or 403. And the small DOM and naming helpers.
 */
window.crewstreamPages = (() => {
  'use strict';

  const TOKEN_KEY = 'crewstream.accessToken';

  // A token handed over in the page URL would stay in the address bar, the history and any link copied from it:
  // keep it for this tab only and take it out of the URL before anything else runs.
  function moveTokenOutOfUrl() {
    const params = new URLSearchParams(location.search);
    const value = params.get('access_token');
    if (value === null) return;
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    params.delete('access_token');
    const query = params.toString();
    history.replaceState(null, '', location.pathname + (query ? '?' + query : '') + location.hash);
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  }

  function withToken(url) {
    const value = token();
    if (!value) return url;
    return url + (url.includes('?') ? '&' : '?') + 'access_token=' + encodeURIComponent(value);
  }

  /** Shows the page's #auth form with the reason. */
  function ask(message) {
    document.getElementById('auth-message').textContent = message;
    document.getElementById('auth').hidden = false;
    document.getElementById('auth-token').focus();
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
  return { token, withToken, ask, onSubmit, el, plural, agentOf };
})();
