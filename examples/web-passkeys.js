// The example site's only script, served as /assets/passkeys.js next to the UMD bundle of
// @simplewebauthn/browser (served from node_modules as /assets/simplewebauthn-browser.js).
/* global SimpleWebAuthnBrowser, document, fetch, location */
'use strict';

(() => {
  const { startAuthentication, startRegistration, browserSupportsWebAuthn } = SimpleWebAuthnBrowser;
  const status = document.getElementById('passkey-status');
  const post = (path, body) =>
    fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  /** Runs one ceremony on a click; a refusal or a cancelled prompt is shown on the page. */
  function onClick(id, ceremony, failed, next) {
    const button = document.getElementById(id);
    if (!button) return;
    if (!browserSupportsWebAuthn()) {
      button.disabled = true;
      status.textContent = 'This browser does not support passkeys.';
      return;
    }
    button.addEventListener('click', async () => {
      status.textContent = '';
      try {
        const res = await ceremony();
        if (res.ok) return location.assign(next);
        status.textContent = failed;
      } catch (err) {
        status.textContent = err.name === 'NotAllowedError' ? 'Cancelled.' : failed;
      }
    });
  }

  onClick(
    'add-passkey',
    async () => {
      const optionsJSON = await (await post('/passkeys/register/options', {})).json();
      return post('/passkeys/register', await startRegistration({ optionsJSON }));
    },
    'That passkey could not be added.',
    '/profile?done=passkey',
  );
  onClick(
    'passkey-login',
    async () => {
      const optionsJSON = await (await post('/passkeys/login/options', {})).json();
      return post('/passkeys/login', await startAuthentication({ optionsJSON }));
    },
    'That passkey was not accepted.',
    '/profile',
  );
})();
