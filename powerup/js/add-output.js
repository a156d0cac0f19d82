/* global TrelloPowerUp */
/* Add output link: attach a public link to the card; the webhook records it as an output. The
 * link is checked as the service checks it (app/followup/output_urls.py): one typed without its
 * scheme (www.example.org/post) is read as https://; then the popup says it was added, and
 * Trello re-renders the card-back section, which lists it at once. */
(function () {
  'use strict';
  var t = TrelloPowerUp.iframe();
  var form = document.getElementById('output');
  var error = document.getElementById('url-error');
  var added = document.getElementById('added');
  var close = document.getElementById('close');
  var MAX_URL = 2048;
  var TRELLO_HOST = /(^|\.)(trello\.com|trellocdn\.com|trello\.services|atl-paas\.net)$/i;
  var REAL = 'Enter a real web address, like www.example.org/weeknote';

  // As with_scheme() in the service: https:// in front of a link typed without a scheme.
  function withScheme(value) {
    if (!value || /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) { return value; }
    if (value.indexOf('//') === 0) { return 'https:' + value; }
    if (/^[a-z][a-z0-9+.-]*:(?![0-9])/i.test(value)) { return value; }
    return 'https://' + value;
  }

  // Return [url, null] for a link that can be an output, or [null, why not].
  function readUrl(value) {
    var typed = value.trim();
    if (!typed) { return [null, 'Enter the link to what they shared']; }
    var full = withScheme(typed);
    if (full.length > MAX_URL) { return [null, 'The link must be ' + MAX_URL + ' characters or fewer']; }
    if (/[\s\u0000-\u001f\u007f]/.test(full)) { return [null, REAL]; }
    var url;
    try { url = new URL(full); } catch (e) { return [null, REAL]; }
    if (!/^https?:$/.test(url.protocol)) {
      return [null, 'The link must start with https:// or http://, or be like www.example.org/weeknote'];
    }
    var host = url.hostname.replace(/\.$/, '');
    if (host.indexOf('.') < 0) { return [null, REAL]; }
    if (TRELLO_HOST.test(host)) { return [null, 'Enter the link to what they shared, not a Trello link'] ; }
    if (full !== typed) {
      if (url.username) { return [null, 'Enter the link to what they shared, not an email address']; }
      var tld = host.split('.').pop();
      if (!/^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/i.test(tld)) { return [null, REAL]; }
    }
    return [full, null];
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var read = readUrl(form.elements.url.value);
    var url = read[0];
    form.elements.url.setAttribute('aria-invalid', url ? 'false' : 'true');
    if (!url) {
      error.textContent = read[1];
      form.elements.url.focus();
      return;
    }
    error.textContent = '';
    // Trello's t.attach() throws at once for a member who cannot write to the card.
    Promise.resolve().then(function () { return t.attach({ name: url, url: url }); }).then(function () {
      form.hidden = true;
      var p = document.createElement('p');
      p.className = 'done';
      p.textContent = 'Link added to the card: ' + url + '. It is listed under Outputs on the ' +
        'card, and their partners hear about it once UnMentoring has recorded it.';
      added.innerHTML = '';
      added.appendChild(p);
      close.hidden = false;
      close.focus();
      return t.sizeTo(document.body);
    }, function (failure) {
      error.textContent = 'Trello did not attach the link: ' + (failure && failure.message || 'try again') + '.';
    });
  });
  close.addEventListener('click', function () { t.closePopup(); });
  t.sizeTo(document.body);
})();
