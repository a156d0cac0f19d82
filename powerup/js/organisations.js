/* global TrelloPowerUp, UnMentoringApi */
/* Settings: the organisations people gave, with how many people and the names merged into each;
 * board admins merge a name into another ("Leeds CC" into "Leeds City Council") or undo it. */
(function () {
  'use strict';
  var t = TrelloPowerUp.iframe();
  var section = document.getElementById('organisations');
  var form = document.getElementById('merge');
  var from = document.getElementById('merge-from');
  var into = document.getElementById('merge-into');

  function say(id, text, className) {
    var box = document.getElementById(id);
    box.innerHTML = '';
    if (!text) { return; }
    var p = document.createElement('p');
    if (className) { p.className = className; }
    p.textContent = text;
    box.appendChild(p);
  }

  function option(org) {
    var item = document.createElement('option');
    item.value = String(org.id);
    item.textContent = org.name + ' (' + org.people + ')';
    return item;
  }

  function undoButton(alias, org) {
    var button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Undo';
    var context = document.createElement('span');
    context.className = 'visually-hidden';
    context.textContent = ' merging ' + alias.name + ' into ' + org.name;
    button.appendChild(context);
    button.addEventListener('click', function () {
      change(UnMentoringApi.unmergeOrganisation(t, alias.id),
        alias.name + ' is its own organisation again. The cards of the people who gave it are renamed in a moment.');
    });
    return button;
  }

  function show(organisations) {
    var body = document.querySelector('#organisations-table tbody');
    body.innerHTML = '';
    from.innerHTML = '';
    into.innerHTML = '';
    organisations.forEach(function (org) {
      var row = document.createElement('tr');
      var name = document.createElement('td');
      var people = document.createElement('td');
      var aliases = document.createElement('td');
      name.textContent = org.name;
      people.textContent = String(org.people);
      var list = document.createElement('ul');
      org.aliases.forEach(function (alias) {
        var item = document.createElement('li');
        item.appendChild(document.createTextNode(alias.name + ' (' + alias.people + ') '));
        item.appendChild(undoButton(alias, org));
        list.appendChild(item);
      });
      aliases.appendChild(org.aliases.length ? list : document.createTextNode('None'));
      row.appendChild(name);
      row.appendChild(people);
      row.appendChild(aliases);
      body.appendChild(row);
      from.appendChild(option(org));
      into.appendChild(option(org));
    });
    if (organisations.length > 1) { into.selectedIndex = 1; }
    form.hidden = organisations.length < 2;
    section.hidden = false;
    t.sizeTo(document.body);
  }

  function names() {
    return {
      from: from.options[from.selectedIndex].textContent.replace(/ \(\d+\)$/, ''),
      into: into.options[into.selectedIndex].textContent.replace(/ \(\d+\)$/, '')
    };
  }

  function change(request, done) {
    say('organisations-problem', '');
    say('organisations-status', 'Saving\u2026');
    request.then(function (body) {
      show(body.organisations);
      say('organisations-status', done, 'done');
    }, function (error) {
      say('organisations-status', '');
      say('organisations-problem', error.message, 'error');
    });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    document.getElementById('merge-error').textContent = '';
    if (from.value === into.value) {
      document.getElementById('merge-error').textContent = 'Choose two different organisations.';
      from.focus();
      return;
    }
    var chosen = names();
    change(UnMentoringApi.mergeOrganisation(t, Number(from.value), Number(into.value)),
      'Merged ' + chosen.from + ' into ' + chosen.into + '. The cards of the people who gave ' +
        chosen.from + ' are renamed in a moment.');
  });

  function onlyAdmins() {
    document.getElementById('organisations-admins').hidden = false;
    t.sizeTo(document.body);
  }

  // Only board admins see the organisations: a name may be all that some people gave. The
  // settings say whether the viewer is one, so nobody else asks for what would be refused.
  UnMentoringApi.settings(t).then(function (settings) {
    if (!settings.editable) { onlyAdmins(); return; }
    UnMentoringApi.organisations(t).then(function (body) {
      show(body.organisations);
    }, function (error) {
      if (error.status === 403) { onlyAdmins(); return; }
      say('organisations-problem', error.message, 'error');
      t.sizeTo(document.body);
    });
  }, function () {
    // settings.js already says what went wrong.
  });
})();
