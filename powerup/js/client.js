/* global TrelloPowerUp, UnMentoringApi */
/* The connector: one map of capability → function, as in trello/power-up-template. */
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
    addOutput: page('add-output.html')
  };

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

  function boardButtons() {
    return [{
      icon: { dark: ICON_WHITE, light: ICON },
      text: 'UnMentoring',
      condition: 'edit',
      callback: openMenu
    }];
  }

  function badgesFor(story) {
    var badges = [];
    if (story.partners.length) {
      var names = story.partners.map(function (partner) { return partner.first_name; });
      badges.push({ text: 'With ' + names.join(' & '), icon: ICON, color: null });
    }
    if (story.status.paused) { badges.push({ text: 'Paused', color: 'yellow' }); }
    if (story.status.met) { badges.push({ text: 'Met ✓', color: 'blue' }); }
    if (story.status.shared) { badges.push({ text: 'Shared ✓', color: 'green' }); }
    return badges;
  }

  function cardBadges(t) {
    var card = t.getContext().card;
    return UnMentoringApi.card(t, card).then(function (story) {
      return story ? badgesFor(story) : [];
    }, function () {
      return []; // a badge is no place for an error; the card-back section shows it
    });
  }

  function cardBackSection(t) {
    return {
      title: 'UnMentoring',
      icon: ICON,
      content: { type: 'iframe', url: t.signUrl(PAGES.cardBack), height: 160 }
    };
  }

  function cardButtons() {
    return [{
      icon: ICON,
      text: 'Add output link',
      callback: function (t) {
        return t.popup({ title: 'Add output link', url: PAGES.addOutput, height: 200 });
      }
    }];
  }

  TrelloPowerUp.initialize({
    'board-buttons': boardButtons,
    'card-badges': cardBadges,
    'card-back-section': cardBackSection,
    'card-buttons': cardButtons,
    'show-settings': openSettings
  }, { appName: 'UnMentoring' });
})();
