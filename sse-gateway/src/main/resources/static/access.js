/*
 * crewstream access token, shared by the dashboard, the replay page and the usage page: kept for this tab only
 * (sessionStorage), sent as ?access_token= (EventSource cannot set headers, so every request uses the same way), and
 * asked for in the page's #auth form when the server answers 401 or 403.
 */
window.crewstreamAccess = (() => {
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

  moveTokenOutOfUrl();
  return { token, withToken, ask, onSubmit };
})();
