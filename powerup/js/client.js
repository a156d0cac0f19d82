/* global TrelloPowerUp, UnMentoringApi */
/* The connector: one map of capability → function, as in trello/power-up-template.
 * card-badges runs for every card at every board render, so the badges of all cards come from
 * one request, kept a few seconds, and nobody who is not a board member asks at all. */
(function () {
  'use strict';
  var ICON = new URL('../img/icon.svg', document.currentScript.src).href;
  var ICON_WHITE = new URL('../img/icon-white.svg', document.currentScript.src).href;
  var page = function (name) { return new URL('../' + name, document.currentScript.src).href; };
  var PAGES = {
    makePairs: page('make-pairs.html'),
    report: page('report.html'),
    settings: page('settings.html'),
    cardBack: page('card-back.html'),
    addOutput: page('add-output.html'),
    setUp: page('set-up.html')
  };
  var BADGES_KEPT_MS = 10000;
  var badgesByBoard = {};  // board id → {at, promise}

  function openMakePairs(t) {
    return t.closePopup().then(function () {
      return t.modal({ title: 'Make pairs', url: PAGES.makePairs, height: 560 });
    });
  }

  function openReport(t) {
    return t.popup({ title: 'Report', url: PAGES.report, height: 130 });
  }

  function openSettings(t) {
    return t.popup({ title: 'UnMentoring settings', url: PAGES.settings, height: 520 });
  }

  function openMenu(t) {
    return t.popup({
      title: 'UnMentoring',
      items: [
        { text: 'Make pairs', callback: openMakePairs },
        { text: 'Report', callback: openReport },
        { text: 'Settings', callback: openSettings }
      ]
    });
  }

  function openSetUp(t) {
    return t.popup({ title: 'Set up UnMentoring', url: PAGES.setUp, height: 600 });
  }

  // Whether UnMentoring works on the board, asked of the service (Trello's docs: the browser's
  // stored token may be out of reach, and only the service knows it still holds one).
  function authorizationStatus(t) {
    return UnMentoringApi.programme(t).then(function (programme) {
      return { authorized: programme.set_up && programme.active };
    }, function () {
      return { authorized: false };
    });
  }

  function boardButtons(t) {
    // 'edit': shown only to members who can edit the board, who may make pairs.
    var menu = [{
      icon: { dark: ICON_WHITE, light: ICON },
      text: 'UnMentoring',
      condition: 'edit',
      callback: openMenu
    }];
    // A board without a working programme: only its admins see anything, a way to set it up.
    var setUp = [{
      icon: { dark: ICON_WHITE, light: ICON },
      text: 'Set up UnMentoring on this board',
      condition: 'admin',
      callback: openSetUp
    }];
    return UnMentoringApi.viewer(t).then(function (who) {
      if (who !== 'member') { return menu; }  // nobody else may ask the service anything
      return UnMentoringApi.programme(t).then(function (programme) {
        return programme.set_up && programme.active ? menu : setUp;
      }, function () {
        return menu;  // the menu's pages say what went wrong
      });
    });
  }

  function allBadges(t) {
    var board = t.getContext().board;
    var kept = badgesByBoard[board];
    if (kept && Date.now() - kept.at < BADGES_KEPT_MS) { return kept.promise; }
    var promise = UnMentoringApi.isBoardMember(t).then(function (member) {
      return member ? UnMentoringApi.boardCards(t, board) : {};
    }).catch(function () {
      return {};  // a badge is no place for an error; the card-back section shows it
    });
    badgesByBoard[board] = { at: Date.now(), promise: promise };
    return promise;
  }

  function cardBadges(t) {
    var card = t.getContext().card;
    return allBadges(t).then(function (cards) {
      return (cards[card] || []).map(function (badge) {
        var shown = { text: badge.text, color: badge.color || null };
        if (badge.kind === 'partners') { shown.icon = ICON; }
        return shown;
      });
    });
  }

  function cardBackSection(t) {
    return {
      title: 'UnMentoring',
      icon: ICON,
      content: { type: 'iframe', url: t.signUrl(PAGES.cardBack), height: 120 }
    };
  }

  function cardButtons(t) {
    // Trello refuses t.attach() to a member who cannot write to the card: no button for them;
    // and an output belongs on a participant's card only (not the round card, say).
    if (!t.memberCanWriteToModel('card')) { return []; }
    return allBadges(t).then(function (cards) {
      if (!(t.getContext().card in cards)) { return []; }
      return [{
        icon: ICON,
        text: 'Add output link',
        callback: function (t2) {
          return t2.popup({ title: 'Add output link', url: PAGES.addOutput, height: 200 });
        }
      }];
    });
  }

  TrelloPowerUp.initialize({
    'board-buttons': boardButtons,
    'card-badges': cardBadges,
    'card-back-section': cardBackSection,
    'card-buttons': cardButtons,
    'show-settings': openSettings,
    'authorization-status': authorizationStatus,
    'show-authorization': openSetUp
  }, UnMentoringApi.appOptions());
})();
