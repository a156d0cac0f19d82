/* global TrelloPowerUp, UnMentoringApi */
/* The card-back section: what the card is to UnMentoring. A participant's card: round,
 * partner, check-in, outputs, and contact details for members who edit; the round card: its
 * round and tally; any other card, or a viewer who is not a member: one plain sentence. */
(function () {
  'use strict';
  var t = TrelloPowerUp.iframe();
  var $ = function (id) { return document.getElementById(id); };

  function link(url, label) {
    var a = document.createElement('a');
    a.href = url;
    a.textContent = label;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  }

  function say(message) {
    $('status').textContent = message;
  }

  function fillPartners(partners) {
    var box = $('partners');
    box.innerHTML = '';
    if (!partners.length) { box.textContent = 'None yet'; return; }
    partners.forEach(function (partner, index) {
      if (index) { box.appendChild(document.createTextNode(', ')); }
      var label = partner.name + ' (' + partner.organisation + ')';
      box.appendChild(partner.card_url ? link(partner.card_url, label) : document.createTextNode(label));
    });
  }

  function fillOutputs(outputs) {
    var box = $('outputs');
    box.innerHTML = '';
    if (!outputs.length) { box.textContent = 'None yet'; return; }
    var list = document.createElement('ul');
    outputs.forEach(function (output) {
      var li = document.createElement('li');
      li.appendChild(link(output.url, output.url));
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  // Each contact detail comes with its label from the service, which names every channel once.
  function fillContact(contact) {
    var box = $('contact');
    box.innerHTML = '';
    (contact || []).forEach(function (detail) {
      var dt = document.createElement('dt');
      var dd = document.createElement('dd');
      dt.textContent = detail.label;
      dd.textContent = detail.value;
      box.appendChild(dt);
      box.appendChild(dd);
    });
    $('contact-block').hidden = !contact || !contact.length;
  }

  // Where the person stands, in the words of the card's list and badges.
  var STATES = {
    in_round: '', shared: ' \u00b7 shared', stranded: ' \u00b7 partner left, waiting to be re-matched',
    waiting: ' \u00b7 waiting for the next round', paused: ' \u00b7 paused',
    quiet: ' \u00b7 paused after quiet rounds'
  };

  function stateText(status) {
    if (status.state === 'skipping') { return ' \u00b7 skipping round ' + status.skipping; }
    return STATES[status.state] || '';
  }

  function historyText(history) {
    if (!history.length) { return ''; }
    return ' Earlier rounds: ' + history.map(function (past) {
      var notes = [past.met ? 'met' : '', past.shared ? 'shared' : ''].filter(Boolean);
      return past.round + (notes.length ? ' (' + notes.join(', ') + ')' : '');
    }).join(', ') + '.';
  }

  function showParticipant(story) {
    say(story.person.name + ' \u00b7 ' + story.person.organisation + stateText(story.status));
    $('round').textContent = (story.round
      ? 'Round ' + story.round.number + ' \u00b7 meet by ' + UnMentoringApi.longDate(story.round.meet_by) +
        (story.status.rescued ? ' \u00b7 re-matched' : '')
      : 'Not in the open round') + historyText(story.history);
    fillPartners(story.partners);
    $('check-in').textContent = story.check_in ? story.check_in.label : 'No answer yet';
    fillOutputs(story.outputs);
    fillContact(story.contact);
    $('story').hidden = false;
  }

  function show(story) {
    if (story.kind === 'participant') {
      showParticipant(story);
    } else if (story.kind === 'round') {
      say('The card of round ' + story.round.number + ' (meet by ' +
        UnMentoringApi.longDate(story.round.meet_by) + (story.round.closed ? ', closed' :
          ', open until ' + UnMentoringApi.longDate(story.round.closes_on)) + '). ' +
        story.tally + '.');
    } else {
      say('This card is not an UnMentoring participant\u2019s card.');
    }
  }

  function load() {
    return UnMentoringApi.viewer(t).then(function (viewer) {
      if (viewer === 'signed-out') { say(UnMentoringApi.signedOut); return null; }
      if (viewer === 'outsider') {
        say('Only members of this board can see UnMentoring on its cards.');
        return null;
      }
      return UnMentoringApi.card(t, t.getContext().card).then(show);
    }).catch(function (error) {
      say(error.message);
    }).then(function () { return t.sizeTo('#content'); });
  }

  t.render(load);
})();
