/* The sandbox board's side of the Power-Up stand-in: loads the app's connector in an iframe,
 * shows its board buttons, card badges, card-back section and card buttons, and answers the
 * calls power-up.min.js makes (jwt, popup, modal, attach, card, …) as Trello would; like
 * Trello, it calls t.render() again in an open card's iframes when the card changes. */
(function () {
  'use strict';
  var script = document.currentScript;
  var cfg = script.dataset;
  if (!cfg.app) { return; }
  var CONNECTOR = cfg.app.replace(/\/$/, '') + '/powerup/index.html';
  var APP_ORIGIN = new URL(CONNECTOR).origin;
  var WRITE = cfg.role === 'admin' || cfg.role === 'normal';
  var seq = 0;
  var pending = {};
  var frames = [];   // {win, el, context}
  var connector;
  var capabilities = [];

  function context(card) {
    var ctx = { board: cfg.board, member: cfg.member, permissions: { board: WRITE ? 'write' : 'read' } };
    // Trello gives a signed-out viewer of a public board no member (the stand-in's spelling).
    if (card) { ctx.card = card; ctx.permissions.card = ctx.permissions.board; }
    return ctx;
  }

  function ask(win, message) {
    return new Promise(function (resolve, reject) {
      message.id = 'h' + (++seq);
      pending[message.id] = { resolve: resolve, reject: reject };
      win.postMessage(message, APP_ORIGIN);
    });
  }

  function capability(name, card, options) {
    if (capabilities.indexOf(name) < 0) { return Promise.resolve(null); }
    return ask(connector.contentWindow, { sbx: 'capability', name: name, context: context(card), options: options });
  }

  function runCallback(owner, cb, card) {
    return ask(owner, { sbx: 'callback', handle: cb.__callback, context: context(card) });
  }

  function busy() {
    var open = document.querySelector('.pu-popup, .pu-modal, .pu-detail');
    document.body.dataset.powerupBusy = open ? 'yes' : '';
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function frameFor(url, card, args, height, title) {
    var target = new URL(url, CONNECTOR);
    var extra = {};
    try { extra = JSON.parse(decodeURIComponent(target.hash.slice(1)) || '{}'); } catch (e) { extra = {}; }
    var data = { context: context(card), args: Object.assign({}, extra.args, args), host: location.origin };
    target.hash = encodeURIComponent(JSON.stringify(data));
    var iframe = el('iframe', { src: target.href, title: title || 'UnMentoring' });
    iframe.style.height = (height || 200) + 'px';
    frames.push({ el: iframe, context: data.context, get win() { return iframe.contentWindow; } });
    return iframe;
  }

  function frameOf(win) {
    for (var i = 0; i < frames.length; i += 1) { if (frames[i].win === win) { return frames[i]; } }
    return null;
  }

  function close(selector) {
    document.querySelectorAll(selector).forEach(function (node) { node.remove(); });
    frames = frames.filter(function (f) { return document.body.contains(f.el); });
    busy();
  }

  function overlay(kind, title, body) {
    close('.pu-' + kind);
    var box = el('div', { class: 'pu-' + kind, role: 'dialog', 'aria-label': title });
    var head = el('div', { class: 'pu-head' });
    head.appendChild(el('h2', {}, title));
    var shut = el('button', { type: 'button', class: 'pu-close', 'aria-label': 'Close ' + title }, '×');
    shut.addEventListener('click', function () { close('.pu-' + kind); });
    head.appendChild(shut);
    box.appendChild(head);
    box.appendChild(body);
    document.body.appendChild(box);
    busy();
    return box;
  }

  function popup(options, owner, card) {
    var body;
    if (options.url) {
      body = frameFor(options.url, card, options.args, options.height, options.title);
    } else {
      body = el('ul', { class: 'pu-items' });
      (options.items || []).forEach(function (item) {
        var li = el('li');
        var button = el('button', { type: 'button' }, item.text);
        button.addEventListener('click', function () { runCallback(owner, item.callback, card); });
        li.appendChild(button);
        body.appendChild(li);
      });
    }
    overlay('popup', options.title || 'UnMentoring', body);
  }

  function attach(params) {
    var query = new URLSearchParams({ key: cfg.key, token: cfg.token, url: params.url, name: params.name || params.url });
    return fetch('/1/cards/' + encodeURIComponent(params.card) + '/attachments?' + query, {
      method: 'POST', headers: { 'X-Sandbox-Member': cfg.member }
    }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (text) { throw new Error(text || String(response.status)); });
      }
      document.body.dataset.powerupChanged = 'yes';
      showAttachment(params.card, params.url);
      refreshCard(params.card);
      rerender(params.card);
      return response.json();
    });
  }

  // Trello calls t.render() again in the iframes it shows for a card whenever something about
  // the card changes (an attachment added, the card moved or edited): no reload, no flash.
  function rerender(cardId) {
    frames.forEach(function (f) {
      if (f.context.card === cardId && f.win) { f.win.postMessage({ sbx: 'render' }, APP_ORIGIN); }
    });
  }

  // While a card is open the board page does not reload; as Trello updates an open card live,
  // watch the board and re-render that card's Power-Up iframes (and its badges) on any change.
  var boardVersion = null;
  function watchOpenCard() {
    var detail = document.querySelector('.pu-detail');
    fetch(cfg.boardJson).then(function (r) { return r.json(); }).then(function (view) {
      if (boardVersion !== null && view.version !== boardVersion && detail && detail.dataset.cardId) {
        refreshCard(detail.dataset.cardId);
        rerender(detail.dataset.cardId);
      }
      boardVersion = view.version;
    }).catch(function () {});
  }
  setInterval(watchOpenCard, 1000);

  var SIGNED_OUT = cfg.member === 'notLoggedIn';

  // Reads as the member the page acts for, so a private board shows itself to its members.
  function asMember() { return SIGNED_OUT ? {} : { 'X-Sandbox-Member': cfg.member }; }

  var calls = {
    jwt: function () {
      if (SIGNED_OUT) { throw new Error('Trello cannot make a token: the viewer is not signed in'); }
      return fetch('/sandbox/jwt', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ idMember: cfg.member, idBoard: cfg.board })
      }).then(function (r) { return r.json(); }).then(function (body) { return body.token; });
    },
    card: function (params) {
      var fields = params.fields || [];
      var wants = function (name) { return fields.indexOf(name) >= 0 || fields.indexOf('all') >= 0; };
      return fetch(cfg.boardJson).then(function (r) { return r.json(); }).then(function (view) {
        var found = null;
        view.lists.forEach(function (list) {
          list.cards.forEach(function (c) { if (c.id === params.card) { found = c; } });
        });
        var card = found && { id: found.id, name: found.name, idList: found.idList, shortLink: found.shortLink, url: found.shortUrl, desc: found.desc };
        if (!card || !wants('attachments')) { return card; }
        // t.card('attachments'): the card's attachments as Trello's REST API has them now.
        var query = new URLSearchParams({ key: cfg.key, token: cfg.token });
        return fetch('/1/cards/' + encodeURIComponent(card.id) + '/attachments?' + query, { headers: asMember() })
          .then(function (r) { return r.json(); })
          .then(function (attached) {
            card.attachments = attached.map(function (a) { return { id: a.id, name: a.name, url: a.url, date: a.date }; });
            return card;
          });
      });
    },
    board: function (params) {
      var board = { id: cfg.board, name: document.querySelector('main.board h1').textContent };
      if ((params.fields || []).indexOf('memberships') < 0) { return board; }
      var query = new URLSearchParams({ key: cfg.key, token: cfg.token });
      return fetch('/1/boards/' + cfg.board + '/memberships?' + query, { headers: asMember() }).then(function (r) { return r.json(); })
        .then(function (rows) {
          board.memberships = rows.map(function (m) { return { idMember: m.idMember, memberType: m.memberType }; });
          return board;
        });
    },
    popup: function (params, source, frame) { popup(params, source, frame && frame.context.card); },
    modal: function (params, source, frame) {
      var body = frameFor(params.url, frame && frame.context.card, params.args, params.height, params.title);
      overlay('modal', params.title || 'UnMentoring', body);
    },
    closePopup: function () { close('.pu-popup'); },
    closeModal: function () { close('.pu-modal'); },
    alert: function (params) {
      var toast = el('div', { class: 'pu-alert', role: 'status' }, params.message);
      document.body.appendChild(toast);
      setTimeout(function () { toast.remove(); }, (params.duration || 5) * 1000);
    },
    attach: attach,
    sizeTo: function (params, source, frame) {
      if (frame.el) { frame.el.style.height = Math.min(params.height, 800) + 'px'; }
    },
    get: function (params) {
      var value = localStorage.getItem(['pu', params.scope, params.visibility, params.card, params.key].join(':'));
      return value === null ? null : JSON.parse(value);
    },
    set: function (params) {
      localStorage.setItem(['pu', params.scope, params.visibility, params.card, params.key].join(':'), JSON.stringify(params.value));
    }
  };

  window.addEventListener('message', function (event) {
    if (event.origin !== APP_ORIGIN) { return; }
    var msg = event.data || {};
    if (msg.sbx === 'ready' && event.source === connector.contentWindow) {
      capabilities = msg.capabilities || [];
      start();
    } else if (msg.sbx === 'reply' && pending[msg.id]) {
      var waiter = pending[msg.id];
      delete pending[msg.id];
      if ('error' in msg) { waiter.reject(new Error(msg.error)); } else { waiter.resolve(msg.result); }
    } else if (msg.sbx === 'iframe-ready') {
      event.source.postMessage({ sbx: 'render' }, APP_ORIGIN);
    } else if (msg.sbx === 'call' && calls[msg.method]) {
      var source = event.source;
      Promise.resolve().then(function () {
        // Frames the host made carry their own context; the connector says which card it means.
        var frame = frameOf(source) || { context: msg.context || context(null) };
        return calls[msg.method](msg.params || {}, source, frame);
      }).then(function (result) {
        source.postMessage({ sbx: 'reply', id: msg.id, result: result === undefined ? null : result }, APP_ORIGIN);
      }, function (error) {
        source.postMessage({ sbx: 'reply', id: msg.id, error: String(error && error.message || error) }, APP_ORIGIN);
      });
    }
  });

  function allowed(button) {
    var condition = button.condition || 'edit';
    if (condition === 'admin') { return cfg.role === 'admin'; }
    if (condition === 'edit') { return WRITE; }
    if (condition === 'readOnly') { return !WRITE; }
    return true;
  }

  function boardButtons() {
    var bar = document.getElementById('pu-board-buttons');
    capability('board-buttons').then(function (buttons) {
      bar.innerHTML = '';
      (buttons || []).filter(allowed).forEach(function (spec) {
        var button = el('button', { type: 'button', class: 'pu-board-button' }, spec.text);
        button.addEventListener('click', function () {
          if (spec.url) { window.open(spec.url, spec.target || '_blank'); return; }
          runCallback(connector.contentWindow, spec.callback, null);
        });
        bar.appendChild(button);
      });
      document.body.dataset.powerupButtons = 'ready';
    });
  }

  function refreshCard(cardId) {
    var article = document.querySelector('article.card[data-card-id="' + cardId + '"]');
    if (!article) { return Promise.resolve(); }
    return capability('card-badges', cardId).then(function (badges) {
      var box = article.querySelector('.pu-badges');
      box.innerHTML = '';
      (badges || []).forEach(function (badge) {
        box.appendChild(el('span', { class: 'pu-badge ' + (badge.color || 'plain') }, badge.text));
      });
      article.dataset.badges = 'ready';
    });
  }

  function showAttachment(cardId, url) {
    var list = document.querySelector('.pu-detail .pu-attachments');
    if (list) {
      var li = el('li');
      li.appendChild(el('a', { href: url }, url));
      list.appendChild(li);
    }
  }

  function openCard(article) {
    var cardId = article.dataset.cardId;
    var body = el('div', { class: 'pu-card-body' });
    var attachments = el('ul', { class: 'pu-attachments', 'aria-label': 'Attachments' });
    article.querySelectorAll('.section a').forEach(function (a) {
      if (a.closest('.section').textContent.indexOf('Attachments') >= 0) {
        var li = el('li'); li.appendChild(el('a', { href: a.href }, a.textContent)); attachments.appendChild(li);
      }
    });
    body.appendChild(el('h3', {}, 'Attachments'));
    body.appendChild(attachments);
    var buttons = el('div', { class: 'pu-card-buttons' });
    body.appendChild(buttons);
    var section = el('section', { class: 'pu-card-back' });
    body.appendChild(section);
    overlay('detail', article.querySelector('h3').textContent, body).dataset.cardId = cardId;
    capability('card-back-section', cardId).then(function (spec) {
      if (!spec || !spec.content) { return; }
      section.appendChild(el('h3', {}, spec.title));
      section.appendChild(frameFor(spec.content.url, cardId, {}, spec.content.height, spec.title));
    });
    capability('card-buttons', cardId).then(function (list) {
      (list || []).forEach(function (spec) {
        var button = el('button', { type: 'button' }, spec.text);
        button.addEventListener('click', function () { runCallback(connector.contentWindow, spec.callback, cardId); });
        buttons.appendChild(button);
      });
      buttons.dataset.ready = 'yes';  // tests wait for this before they count the buttons
    });
  }

  // Trello's gear for the Power-Up in the board's Power-Ups menu: it asks authorization-status
  // and, when that says { authorized: false }, offers "Authorize Account", which runs
  // show-authorization (usually a t.popup of the Power-Up's own authorise page).
  function settingsGear() {
    var box = document.getElementById('pu-settings');
    if (!box) { return; }
    var gear = el('button', { type: 'button', class: 'pu-gear', 'aria-label': 'UnMentoring settings' }, '⚙ UnMentoring settings');
    var out = el('div', { class: 'pu-auth', 'aria-live': 'polite' });
    gear.addEventListener('click', function () {
      out.innerHTML = '';
      out.dataset.status = '';
      capability('authorization-status').then(function (status) {
        if (capabilities.indexOf('authorization-status') < 0 || (status && status.authorized)) {
          out.appendChild(el('p', { class: 'pu-authorized' }, 'Authorized'));
          out.dataset.status = 'authorized';
          return;
        }
        var authorize = el('button', { type: 'button', class: 'pu-authorize' }, 'Authorize Account');
        authorize.addEventListener('click', function () { capability('show-authorization'); });
        out.appendChild(authorize);
        out.dataset.status = 'unauthorized';
      });
    });
    box.appendChild(gear);
    box.appendChild(out);
  }

  function start() {
    settingsGear();
    boardButtons();
    document.querySelectorAll('article.card[data-card-id]').forEach(function (article) {
      var badges = el('div', { class: 'pu-badges' });
      article.insertBefore(badges, article.querySelector('h3').nextSibling);
      var open = el('button', { type: 'button', class: 'pu-open' }, 'Open card');
      open.addEventListener('click', function () { openCard(article); });
      article.appendChild(open);
      refreshCard(article.dataset.cardId);
    });
    document.body.dataset.powerup = 'ready';
  }

  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') { close('.pu-popup'); }
  });
  connector = el('iframe', { src: CONNECTOR, title: 'UnMentoring Power-Up connector', hidden: '' });
  document.body.appendChild(connector);
})();
