/* global TrelloPowerUp, UnMentoringApi */
/* Settings: the organisers' contact address, meeting window, a round's grace period, when to
 * re-match stranded people and pause quiet ones, odd-count policy, same-organisation rule;
 * board admins save them. */
(function () {
  'use strict';
  var t = TrelloPowerUp.iframe();
  var NUMBERS = ['meeting_window_days', 'grace_days', 'rescue_after_days', 'quiet_after_rounds'];
  var FIELDS = NUMBERS.concat(['odd', 'same_org', 'contact_email']);
  var form = document.getElementById('settings');

  var message = UnMentoringApi.message;

  function fieldErrors(fields) {
    FIELDS.forEach(function (name) {
      document.getElementById(name + '-error').textContent = (fields && fields[name]) || '';
    });
  }

  // Only board admins may change the settings; everyone else sees them, and no button that
  // would refuse them on Save.
  function readOnly(editable) {
    Array.prototype.forEach.call(form.elements, function (field) { field.disabled = !editable; });
    document.getElementById('save').hidden = !editable;
    document.getElementById('read-only').hidden = editable;
  }

  function fill(settings) {
    readOnly(settings.editable);
    NUMBERS.forEach(function (name) { form.elements[name].value = settings[name]; });
    document.getElementById('odd-' + settings.odd).checked = true;
    document.getElementById('same_org-' + settings.same_org).checked = true;
    // Empty: pages name the service's own address, which the hint shows.
    form.elements.contact_email.value = settings.contact_email;
    document.getElementById('contact_email-in-use').textContent = settings.contact_email
      ? '' : 'None is set here, so pages show ' + settings.contact_email_in_use + '.';
    var lists = document.getElementById('lists');
    lists.innerHTML = '';
    // In the board's order, each with its label from the service.
    settings.lists.forEach(function (list) {
      var dt = document.createElement('dt');
      var dd = document.createElement('dd');
      dt.textContent = list.label;
      dd.textContent = list.name;
      lists.appendChild(dt);
      lists.appendChild(dd);
    });
    form.hidden = false;
    t.sizeTo(document.body);
  }

  function save(event) {
    event.preventDefault();
    fieldErrors({});
    message('problem', '');
    var body = {
      odd: form.elements.odd.value, same_org: form.elements.same_org.value,
      contact_email: form.elements.contact_email.value.trim()
    };
    NUMBERS.forEach(function (name) {
      var typed = form.elements[name].value.trim();
      body[name] = /^\d+$/.test(typed) ? Number(typed) : typed;
    });
    message('status', 'Saving…');
    UnMentoringApi.saveSettings(t, body).then(function (settings) {
      fill(settings);
      message('status', 'Saved. The next preview uses these settings.', 'done');
    }, function (error) {
      message('status', '');
      fieldErrors(error.fields);
      message('problem', error.message, 'error');
    });
  }

  form.addEventListener('submit', save);
  UnMentoringApi.settings(t).then(function (settings) {
    message('status', '');
    fill(settings);
  }, function (error) {
    message('status', '');
    message('problem', error.message, 'error');
  });
})();
