/* The one module that calls the UnMentoring API, with the member's t.jwt() as a Bearer token.
 * The token is kept until shortly before it expires, so a board render asks Trello once. */
(function (root) {
  'use strict';
  // /powerup/js/api.js → /api/: same origin as the Power-Up's pages, so no CORS is needed.
  var BASE = new URL('../../api/', document.currentScript.src).href;
  var REPORT = new URL('../../report', document.currentScript.src).href;
  var PROGRAMMES = new URL('../../p/', document.currentScript.src).href;
  var SIGNED_OUT = 'Sign in to Trello to see UnMentoring here.';
  var token = null;  // {value, until}
  // The API sends dates as ISO for machines; people read them one way everywhere, as the
  // service's pages and mails write them: "30 December 2026".
  var LONG_DATE = new Intl.DateTimeFormat('en-GB',
    { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

  function longDate(iso) { return iso ? LONG_DATE.format(new Date(iso + 'T00:00:00Z')) : ''; }

  function failure(response, body) {
    var detail = body && body.error ? body.error : {};
    var error = new Error(detail.message || 'The UnMentoring service answered ' + response.status + '.');
    error.status = response.status;
    error.code = detail.code;
    error.fields = detail.fields || {};
    return error;
  }

  function expiry(jwt) {
    try {
      var claims = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      return claims.exp * 1000;
    } catch (e) {
      return 0;
    }
  }

  // Trello's t.jwt() rejects for a viewer who is not signed in.
  function jwt(t) {
    if (token && Date.now() < token.until) { return Promise.resolve(token.value); }
    return Promise.resolve().then(function () { return t.jwt(); }).then(function (value) {
      token = { value: value, until: expiry(value) - 60000 };
      return value;
    }, function () {
      var error = new Error(SIGNED_OUT);
      error.code = 'signed_out';
      throw error;
    });
  }

  function call(t, method, path, body) {
    return jwt(t).then(function (value) {
      var headers = { Authorization: 'Bearer ' + value, Accept: 'application/json' };
      if (body !== undefined) { headers['Content-Type'] = 'application/json'; }
      return fetch(BASE + path, {
        method: method,
        headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'omit'
      }).then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          if (!response.ok) { throw failure(response, data); }
          return data;
        });
      }, function () {
        throw new Error('The UnMentoring service could not be reached: try again in a moment.');
      });
    });
  }

  // Whether the viewer is a member of the board: only members may use the API, so nobody else
  // need ask it anything (Trello gives the board's memberships to the Power-Up itself).
  function isBoardMember(t) {
    var member = t.getContext().member;
    return Promise.resolve(t.board('memberships')).then(function (board) {
      return (board.memberships || []).some(function (m) { return m.idMember === member; });
    });
  }

  // The viewer's role on the board ('admin', 'normal', 'observer'), or null for a non-member.
  function boardRole(t) {
    var member = t.getContext().member;
    return Promise.resolve(t.board('memberships')).then(function (board) {
      var mine = (board.memberships || []).filter(function (m) { return m.idMember === member; });
      return mine.length ? mine[0].memberType : null;
    });
  }

  // Who is looking: 'signed-out' (Trello gives no token), 'outsider' (not a board member), or
  // 'member'; neither of the first two need ask the service anything.
  function viewer(t) {
    return jwt(t).then(function () {
      return isBoardMember(t).then(function (member) { return member ? 'member' : 'outsider'; });
    }, function () { return 'signed-out'; });
  }

  // Trello's REST client (t.getRestApi()) needs the service's API key, which the service writes
  // into the page's <meta name="unmentoring-trello-key"> as it serves it.
  function appOptions() {
    var meta = document.querySelector('meta[name="unmentoring-trello-key"]');
    return { appKey: meta ? meta.content : '', appName: 'UnMentoring' };
  }

  // Put one paragraph of text (or nothing) in a status box; className styles it.
  function message(id, value, className) {
    var box = document.getElementById(id);
    box.innerHTML = '';
    if (!value) { return; }
    var p = document.createElement('p');
    if (className) { p.className = className; }
    p.textContent = value;
    box.appendChild(p);
  }

  root.UnMentoringApi = {
    message: message,
    reportUrl: REPORT,
    appOptions: appOptions,
    programmeUrl: function (slug) { return PROGRAMMES + slug + '/'; },
    programme: function (t) { return call(t, 'GET', 'programme'); },
    setUp: function (t, body) { return call(t, 'POST', 'programme', body); },
    deauthorise: function (t) { return call(t, 'DELETE', 'programme/token'); },
    longDate: longDate,
    signedOut: SIGNED_OUT,
    isBoardMember: isBoardMember,
    boardRole: boardRole,
    viewer: viewer,
    preview: function (t) { return call(t, 'GET', 'rounds/preview'); },
    makeRound: function (t, seed, poolHash, closeOpen) {
      return call(t, 'POST', 'rounds', { seed: seed, pool_hash: poolHash, close_open: !!closeOpen });
    },
    rescue: function (t, id) {
      return call(t, 'POST', 'rounds/' + encodeURIComponent(id) + '/rescue');
    },
    round: function (t, id) { return call(t, 'GET', 'rounds/' + encodeURIComponent(id)); },
    boardCards: function (t, board) {
      return call(t, 'GET', 'boards/' + encodeURIComponent(board) + '/cards').then(function (body) {
        return body.cards;
      });
    },
    card: function (t, cardId) { return call(t, 'GET', 'cards/' + encodeURIComponent(cardId)); },
    settings: function (t) { return call(t, 'GET', 'settings'); },
    saveSettings: function (t, settings) { return call(t, 'PUT', 'settings', settings); },
    organisations: function (t) { return call(t, 'GET', 'organisations'); },
    mergeOrganisation: function (t, id, into) {
      return call(t, 'POST', 'organisations/' + encodeURIComponent(id) + '/merge', { into: into });
    },
    unmergeOrganisation: function (t, id) {
      return call(t, 'POST', 'organisations/' + encodeURIComponent(id) + '/unmerge');
    }
  };
})(window);
