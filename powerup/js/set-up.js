/* global TrelloPowerUp, UnMentoringApi */
/* Setting up UnMentoring on a board: the programme's name, short web address, the organisers'
 * contact address and whether the start page lists it; then Trello's authorisation, from the
 * same click, and the token goes to the service, which keeps it. A token this page was given
 * is tried again after a field is put right, so the admin is not asked to authorise twice. */
(function () {
  'use strict';
  var t = TrelloPowerUp.iframe(UnMentoringApi.appOptions());
  var FIELDS = ['name', 'slug', 'contact_email', 'listed'];
  var form = document.getElementById('set-up');
  var token = null;

  var message = UnMentoringApi.message;

  function fieldErrors(fields) {
    var first = null;
    FIELDS.forEach(function (name) {
      var text = (fields && fields[name]) || '';
      document.getElementById(name + '-error').textContent = text;
      form.elements[name].setAttribute('aria-invalid', text ? 'true' : 'false');
      if (text && !first) { first = form.elements[name]; }
    });
    if (first) { first.focus(); }
  }

  function showUrl() {
    var slug = form.elements.slug.value.trim().toLowerCase();
    document.getElementById('slug-url').textContent = slug
      ? 'Its pages will be at ' + UnMentoringApi.programmeUrl(slug) + '.' : '';
  }

  function body() {
    return {
      name: form.elements.name.value.trim(),
      slug: form.elements.slug.value.trim().toLowerCase(),
      contact_email: form.elements.contact_email.value.trim(),
      listed: form.elements.listed.checked,
      token: token
    };
  }

  function finished(programme) {
    form.hidden = true;
    message('status', 'UnMentoring is set up on this board: its four lists are added.', 'done');
    var link = document.getElementById('pages-url');
    link.href = programme.pages_url;
    link.textContent = programme.pages_url;
    document.getElementById('finished').hidden = false;
    document.getElementById('close').focus();
    t.sizeTo(document.body);
  }

  function failed(error) {
    message('status', '');
    document.getElementById('submit').disabled = false;
    // Authorise again after anything but a field to put right.
    if (error.code !== 'invalid' || (error.fields || {}).token) { token = null; }
    fieldErrors(error.fields);
    message('problem', error.message, 'error');
    t.sizeTo(document.body);
  }

  function send() {
    message('status', 'Setting up the board…');
    return UnMentoringApi.setUp(t, body()).then(finished, failed);
  }

  function submit(event) {
    event.preventDefault();
    fieldErrors({});
    message('problem', '');
    document.getElementById('submit').disabled = true;
    if (token) { send(); return; }
    // authorize() opens Trello's window, which a browser allows only from the click itself.
    var asked;
    try {
      asked = t.getRestApi().authorize({ scope: 'read,write', expiration: 'never' });
    } catch (e) {
      asked = Promise.reject(e);
    }
    asked.then(function (given) {
      token = given;
      return send();
    }, function () {
      failed({ message: 'UnMentoring was not authorised, so nothing was set up. To set it up, ' +
        'press the button again and allow it in Trello\u2019s window.' });
    });
  }

  // A board whose programme stopped is set up again with what it had; one that runs says so.
  function prefill(programme) {
    if (!programme.set_up) { return; }
    if (programme.active) {
      form.hidden = true;
      message('status', 'UnMentoring is already set up on this board: its menu is the ' +
        'UnMentoring button.', 'done');
      return;
    }
    form.elements.name.value = programme.name || '';
    form.elements.slug.value = programme.slug || '';
    form.elements.contact_email.value = programme.contact_email || '';
    form.elements.listed.checked = !!programme.listed;
    showUrl();
    t.sizeTo(document.body);
  }

  UnMentoringApi.programme(t).then(prefill, function () { /* the form works without it */ });
  form.elements.slug.addEventListener('input', showUrl);
  form.addEventListener('submit', submit);
  document.getElementById('close').addEventListener('click', function () { t.closePopup(); });
  t.render(function () { t.sizeTo(document.body); });
})();
