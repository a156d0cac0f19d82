/* global TrelloPowerUp */
/* Add output link: attach a public link to the card; the webhook records it as an output. */
(function () {
  'use strict';
  var t = TrelloPowerUp.iframe();
  var form = document.getElementById('output');
  var error = document.getElementById('url-error');

  function readUrl(value) {
    try {
      var url = new URL(value.trim());
      return /^https?:$/.test(url.protocol) && url.hostname.indexOf('.') > 0 ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var url = readUrl(form.elements.url.value);
    form.elements.url.setAttribute('aria-invalid', url ? 'false' : 'true');
    if (!url) {
      error.textContent = 'Enter a web address that starts with https://, like https://example.org/weeknote';
      form.elements.url.focus();
      return;
    }
    error.textContent = '';
    // Trello's t.attach() throws at once for a member who cannot write to the card.
    Promise.resolve().then(function () { return t.attach({ name: url, url: url }); }).then(function () {
      return t.closePopup();
    }, function (failure) {
      error.textContent = 'Trello did not attach the link: ' + (failure && failure.message || 'try again') + '.';
    });
  });
  t.sizeTo(document.body);
})();
