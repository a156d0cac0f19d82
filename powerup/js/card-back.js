/* global TrelloPowerUp, UnMentoringApi */
/* The card-back section: round, partner, check-in, outputs, and contact details for members. */
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

  // Each detail comes with its label from the service, which names every channel once.
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

  function show(story) {
    if (!story) {
      $('status').textContent = 'This card is not an UnMentoring participant\u2019s card.';
      $('story').hidden = true;
      return;
    }
    $('status').textContent = story.person.name + ' \u00b7 ' + story.person.organisation +
      (story.status.paused ? ' \u00b7 paused' : '');
    $('round').textContent = story.round
      ? 'Round ' + story.round.number + ' \u00b7 meet by ' + story.round.meet_by
      : 'Not paired yet';
    fillPartners(story.partners);
    $('check-in').textContent = story.check_in ? story.check_in.label : 'No answer yet';
    fillOutputs(story.outputs);
    fillContact(story.contact);
    $('story').hidden = false;
  }

  t.render(function () {
    return UnMentoringApi.card(t, t.getContext().card).then(show, function (error) {
      $('status').textContent = error.message;
    }).then(function () { return t.sizeTo('#content'); });
  });
})();
