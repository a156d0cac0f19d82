/* global TrelloPowerUp, UnMentoringApi */
/* In the settings popup, for board admins of a board that runs on a board admin's authorisation:
 * remove it, which stops UnMentoring on the board (asked twice: it cannot be undone from here,
 * only set up again). */
(function () {
  'use strict';
  var t = TrelloPowerUp.iframe();
  var section = document.getElementById('authorisation');
  var first = document.getElementById('deauthorise');
  var confirm = document.getElementById('deauthorise-confirm');
  var status = document.getElementById('authorisation-status');

  function say(text, className) {
    status.innerHTML = '';
    var p = document.createElement('p');
    if (className) { p.className = className; }
    p.textContent = text;
    status.appendChild(p);
    t.sizeTo(document.body);
  }

  first.addEventListener('click', function () {
    first.hidden = true;
    confirm.hidden = false;
    confirm.focus();
    say('UnMentoring stops on this board once you confirm.');
  });

  confirm.addEventListener('click', function () {
    confirm.disabled = true;
    UnMentoringApi.deauthorise(t).then(function () {
      confirm.hidden = true;
      say('Removed. UnMentoring has stopped on this board; a board admin can set it up again.', 'done');
    }, function (error) {
      confirm.disabled = false;
      say(error.message, 'error');
    });
  });

  UnMentoringApi.boardRole(t).then(function (role) {
    if (role !== 'admin') { return null; }
    return UnMentoringApi.programme(t).then(function (programme) {
      section.hidden = !programme.board_authorisation;
      t.sizeTo(document.body);
    });
  }).catch(function () { /* the settings say what went wrong */ });
})();
