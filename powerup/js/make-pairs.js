/* global TrelloPowerUp, UnMentoringApi */
/* Make pairs: preview the draw, confirm it, and follow the board update to the end. */
(function () {
  'use strict';
  var t = TrelloPowerUp.iframe();
  var POLL_MS = 1000;
  var preview = null;
  var $ = function (id) { return document.getElementById(id); };

  function text(id, value) { $(id).textContent = value; }

  function item(list, value) {
    var li = document.createElement('li');
    li.textContent = value;
    $(list).appendChild(li);
  }

  function who(person) { return person.name + ' (' + person.organisation + ')'; }

  function problem(message) {
    $('problem').innerHTML = '';
    if (!message) { return; }
    var p = document.createElement('p');
    p.className = 'error';
    p.textContent = message;
    $('problem').appendChild(p);
  }

  function status(message) { text('status', message); }

  function show(data) {
    preview = data;
    ['groups', 'bent', 'waiting', 'odd', 'quiet'].forEach(function (id) { $(id).innerHTML = ''; });
    text('round-number', String(data.round));
    text('pool', 'Pool: ' + data.pool_size + ' people · ' + data.groups.length +
      ' groups · meet by ' + UnMentoringApi.longDate(data.meet_by) + '.');
    data.groups.forEach(function (group) { item('groups', group.map(who).join(' + ')); });
    if (data.sits_out) {
      var p = document.createElement('p');
      p.textContent = 'With an odd number of people, ' + who(data.sits_out) +
        ' sits out this round.';
      $('odd').appendChild(p);
    }
    data.bent.forEach(function (bend) { bend.sentences.forEach(function (s) { item('bent', s); }); });
    if (!data.bent.length) {
      item('bent', data.policy.same_org === 'avoid' ?
        'Every rule held: nobody meets an earlier partner again, and no colleagues are paired.' :
        'Every rule held: nobody meets an earlier partner again.');
    }
    data.waiting.forEach(function (person) { item('waiting', person.name + ': ' + person.reason); });
    if (data.unplaced) {
      item('waiting', data.unplaced === 1 ? '1 person could not be placed this round.' :
        data.unplaced + ' people could not be placed this round.');
    }
    $('waiting-block').hidden = !data.waiting.length && !data.unplaced;
    data.quiet.forEach(function (person) { item('quiet', who(person)); });
    $('quiet-block').hidden = !data.quiet.length;
    text('draw-number', data.seed);
    showOpenRound(data.open_round, data.round);
    $('preview').hidden = false;
    $('confirm').disabled = false;
    status('Preview ready: check the pairs, then confirm.');
    t.sizeTo(document.body);
  }

  function showOpenRound(open, next) {
    $('open-round').hidden = !open;
    $('confirm').textContent = open ?
      'Close round ' + open.number + ' and draw round ' + next : 'Confirm and make pairs';
    if (!open) { return; }
    text('open-number', String(open.number));
    text('open-text', open.met + ' of ' + open.total + ' have met and ' + open.shared + ' of ' +
      open.total + ' have shared so far; it closes on its own after ' +
      UnMentoringApi.longDate(open.closes_on) +
      '. Closing it keeps its final tally on its card.');
    $('stranded-block').hidden = !open.stranded;
    text('stranded-text', open.stranded === 1 ?
      '1 person lost their partner and waits to be re-matched.' :
      open.stranded + ' people lost their partners and wait to be re-matched.');
  }

  function rescue() {
    $('rescue').disabled = true;
    problem('');
    status('Re-matching stranded people…');
    UnMentoringApi.rescue(t, preview.open_round.id).then(function (done) {
      $('rescued').innerHTML = '';
      done.groups.forEach(function (group) { item('rescued', group.map(who).join(' + ')); });
      if (done.waiting) {
        item('rescued', done.waiting === 1 ? '1 person still waits with no possible partner yet.' :
          done.waiting + ' people still wait with no possible partner yet.');
      }
      var said = done.groups.length ?
        'Re-matched ' + done.groups.length + ' group(s); introductions are on their way.' :
        'Nobody could be re-matched yet.';
      // The re-match is history the next draw respects: preview it again.
      load().then(function () { status(said); $('rescue').disabled = false; });
    }, function (error) {
      status('');
      problem(error.message);
      $('rescue').disabled = false;
    });
  }

  function load() {
    problem('');
    status('Drawing a preview…');
    $('confirm').disabled = true;
    return UnMentoringApi.preview(t).then(show, function (error) {
      status('');
      problem(error.message);
    });
  }

  function follow(round) {
    $('progress').max = Math.max(round.cards_total, 1);
    $('progress').value = round.cards_done;
    text('progress-text', round.cards_done + ' of ' + round.cards_total + ' cards moved.');
    if (round.status === 'applied') {
      status('Done: round ' + round.number + ' is on the board.');
      text('progress-text', 'All ' + round.cards_total + ' cards moved. Introductions are on their way.');
      $('close').hidden = false;
      $('close').focus();
      return;
    }
    setTimeout(function () {
      UnMentoringApi.round(t, round.id).then(follow, function (error) {
        problem(error.message + ' The board update carries on; reopen to follow it.');
      });
    }, POLL_MS);
  }

  function confirm() {
    $('confirm').disabled = true;
    problem('');
    status('Storing the round…');
    var closeOpen = !!preview.open_round;
    UnMentoringApi.makeRound(t, preview.seed, preview.pool_hash, closeOpen).then(function (round) {
      $('actions').hidden = true;
      $('progress-block').hidden = false;
      status('Round ' + round.number + ' stored: updating the board…');
      follow(round);
    }, function (error) {
      status('');
      problem(error.message);
      if (error.status !== 409) { $('confirm').disabled = false; return; }
      load().then(function () { problem(error.message + ' Here is a new preview.'); });
    });
  }

  $('confirm').addEventListener('click', confirm);
  $('rescue').addEventListener('click', rescue);
  $('redraw').addEventListener('click', load);
  $('cancel').addEventListener('click', function () { t.closeModal(); });
  $('close').addEventListener('click', function () { t.closeModal(); });
  load();
})();
