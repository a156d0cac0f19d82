/* global TrelloPowerUp, UnMentoringApi */
/* The card-back section: what the card is to UnMentoring. A participant's card: round,
 * partner, check-in, outputs, and contact details for members who edit; the round card: its
 * round and tally; any other card, or a viewer who is not a member: one plain sentence.
 * Outputs: those the service recorded, then links attached moments ago, marked as such. */
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

  // A link attached in the last few minutes that the service has not recorded yet: its webhook
  // is on the way (Trello links and uploads are never outputs, so they are not shown).
  var JUST_ATTACHED_MS = 10 * 60 * 1000;
  var TRELLO_HOST = /(^|\.)(trello\.com|trellocdn\.com|trello\.services|atl-paas\.net)$/i;

  function justAttached(attachments, outputs) {
    var known = outputs.map(function (output) { return output.url; });
    return (attachments || []).filter(function (a) {
      var host;
      try { host = new URL(a.url).hostname; } catch (e) { return false; }
      var recent = Date.now() - new Date(a.date).getTime() < JUST_ATTACHED_MS;
      return /^https?:/i.test(a.url) && !TRELLO_HOST.test(host) && recent && known.indexOf(a.url) < 0;
    });
  }

  function fillOutputs(outputs, pending) {
    var box = $('outputs');
    box.innerHTML = '';
    if (!outputs.length && !pending.length) { box.textContent = 'None yet'; return; }
    var list = document.createElement('ul');
    outputs.forEach(function (output) {
      var li = document.createElement('li');
      li.appendChild(link(output.url, output.url));
      list.appendChild(li);
    });
    pending.forEach(function (attachment) {
      var li = document.createElement('li');
      li.className = 'pending';
      li.appendChild(link(attachment.url, attachment.url));
      li.appendChild(document.createTextNode(' (just added: being recorded)'));
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

  function showParticipant(story, attachments) {
    say(story.person.name + ' \u00b7 ' + story.person.organisation + stateText(story.status));
    $('round').textContent = (story.round
      ? 'Round ' + story.round.number + ' \u00b7 meet by ' + UnMentoringApi.longDate(story.round.meet_by) +
        (story.status.rescued ? ' \u00b7 re-matched' : '')
      : 'Not in the open round') + historyText(story.history);
    fillPartners(story.partners);
    $('check-in').textContent = story.check_in ? story.check_in.label : 'No answer yet';
    fillOutputs(story.outputs, story.round ? justAttached(attachments, story.outputs) : []);
    fillContact(story.contact);
    $('story').hidden = false;
  }

  function show(story, attachments) {
    if (story.kind === 'participant') {
      showParticipant(story, attachments);
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
      // The card's attachments from Trello too: a link just attached shows before its webhook
      // has been recorded. Without them (an older client) the service's list is enough.
      var attached = Promise.resolve().then(function () { return t.card('attachments'); })
        .then(function (card) { return (card && card.attachments) || []; }, function () { return []; });
      return Promise.all([UnMentoringApi.card(t, t.getContext().card), attached])
        .then(function (both) { show(both[0], both[1]); });
    }).catch(function (error) {
      say(error.message);
    }).then(function () { return t.sizeTo('#content'); });
  }

  // Trello calls this again whenever the card changes (a link attached, the card moved).
  t.render(load);
})();
