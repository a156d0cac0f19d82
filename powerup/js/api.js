/* The one module that calls the UnMentoring API, with the member's t.jwt() as a Bearer token. */
(function (root) {
  'use strict';
  // /powerup/js/api.js → /api/: same origin as the Power-Up's pages, so no CORS is needed.
  var BASE = new URL('../../api/', document.currentScript.src).href;
  var REPORT = new URL('../../report', document.currentScript.src).href;

  function failure(response, body) {
    var detail = body && body.error ? body.error : {};
    var error = new Error(detail.message || 'The UnMentoring service answered ' + response.status + '.');
    error.status = response.status;
    error.code = detail.code;
    error.fields = detail.fields || {};
    return error;
  }

  function call(t, method, path, body) {
    return Promise.resolve(t.jwt()).then(function (token) {
      var headers = { Authorization: 'Bearer ' + token, Accept: 'application/json' };
      if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
      return fetch(BASE + path, {
        method: method,
        headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit'
      });
    }, function () {
      throw new Error('Trello did not give a sign-in token: reload the board and try again.');
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (!response.ok) { throw failure(response, data); }
        return data;
      });
    }, function (error) {
      if (error instanceof TypeError) {
        throw new Error('The UnMentoring service could not be reached: try again in a moment.');
      }
      throw error;
    });
  }

  root.UnMentoringApi = {
    reportUrl: REPORT,
    preview: function (t) { return call(t, 'GET', 'rounds/preview'); },
    makeRound: function (t, seed, poolHash) {
      return call(t, 'POST', 'rounds', { seed: seed, pool_hash: poolHash });
    },
    round: function (t, id) { return call(t, 'GET', 'rounds/' + encodeURIComponent(id)); },
    // A card that is not a participant's has no story: null, not an error.
    card: function (t, cardId) {
      return call(t, 'GET', 'cards/' + encodeURIComponent(cardId)).catch(function (error) {
        if (error.status === 404) { return null; }
        throw error;
      });
    },
    settings: function (t) { return call(t, 'GET', 'settings'); },
    saveSettings: function (t, settings) { return call(t, 'PUT', 'settings', settings); }
  };
})(window);
