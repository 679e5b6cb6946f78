// Quiz answers that are never lost. Each answer is kept on this phone (localStorage, by
// attempt) as it is chosen and saved on the server whenever the network allows; a reload
// (or a saved copy of the page, offline) brings back the newer of the two. A submission made
// without a connection (or whose post was lost) is kept and sent when the network returns, with growing waits; the
// server grades an attempt once, however many times it arrives. Without JavaScript the form
// posts as it always did.
(function () {
  var form = document.getElementById('quiz-form');
  var status = document.getElementById('draft-status');
  if (!form || !status || !window.fetch || !window.localStorage || !window.URLSearchParams) return;
  var id = form.getAttribute('data-attempt');
  var DRAFT = 'quiz-draft:' + id;
  var SUBMIT = 'quiz-submit:' + id;
  var saving = false;
  var again = false;
  var tries = 0;
  var timer = null;

  function read(key) {
    try { return JSON.parse(localStorage.getItem(key) || 'null'); } catch { return null; }
  }
  function write(key, value) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch { /* storage full or refused: the server copy remains */ }
  }
  function say(key) {
    status.hidden = false;
    status.textContent = status.getAttribute('data-' + key.toLowerCase()) || '';
  }
  /** The chosen answers as [name, value] pairs (`q_<question>` → option). */
  function answers() {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (name.indexOf('q_') === 0) out.push([name, String(value)]);
    });
    return out;
  }
  function apply(list) {
    var picked = {};
    list.forEach(function (pair) { picked[pair[0] + '=' + pair[1]] = true; });
    Array.prototype.forEach.call(form.querySelectorAll('input[name^="q_"]'), function (input) {
      input.checked = Boolean(picked[input.name + '=' + input.value]);
    });
  }
  function body(list) {
    var params = new URLSearchParams();
    params.append('_csrf', form.querySelector('input[name="_csrf"]').value);
    list.forEach(function (pair) { params.append(pair[0], pair[1]); });
    return params;
  }
  function post(url, list) {
    return fetch(url, { method: 'POST', body: body(list), credentials: 'same-origin', headers: { Accept: 'application/json' } });
  }
  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  /** Sends the latest unsaved answers, one request at a time (a later one never overtakes). */
  function push() {
    var draft = read(DRAFT);
    if (!draft || !draft.pending) return;
    if (saving) { again = true; return; }
    saving = true;
    post(form.getAttribute('data-answers'), draft.answers)
      .then(function (res) {
        return res.json().then(function (json) { return { ok: res.ok, status: res.status, json: json }; });
      })
      .then(function (reply) {
        if (reply.ok) {
          var now = read(DRAFT);
          if (now && same(now.answers, draft.answers)) write(DRAFT, { answers: draft.answers, pending: false, savedAt: reply.json.savedAt });
          say('saved');
        } else if (reply.status === 409) {
          say(reply.json.error === 'quizDraft.submitted' ? 'submitted' : 'tooLate');
        } else {
          say('savedHere');
        }
      }, function () { say('savedHere'); })
      .then(function () {
        saving = false;
        if (again) { again = false; push(); }
      });
  }

  function choose() {
    write(DRAFT, { answers: answers(), pending: true });
    push();
  }

  function retryLater() {
    clearTimeout(timer);
    timer = setTimeout(send, Math.min(60000, 2000 * Math.pow(2, tries)));
    tries += 1;
  }

  /** Sends the kept submission; a network failure keeps it for later, an answer from the server ends it. */
  function send() {
    var kept = read(SUBMIT);
    if (!kept) return;
    clearTimeout(timer);
    say('sending');
    post(form.action, kept.answers).then(function (res) {
      if (res.status >= 500) { say('queued'); retryLater(); return; }
      write(SUBMIT, null);
      if (res.ok && /^\/quiz\/results\//.test(new URL(res.url).pathname)) {
        write(DRAFT, null);
        window.location.assign(res.url);
      } else {
        form.submit(); // refused (unanswered, expired, …): the server's page says why, as without JavaScript
      }
    }, function () { say('queued'); retryLater(); });
  }

  // A reload, or a saved copy of the page: the phone's answers win when not yet saved on the
  // server, or saved there after the copy was made.
  var local = read(DRAFT);
  var pageSaved = form.getAttribute('data-saved-at') || '';
  if (local && (local.pending || (local.savedAt && local.savedAt > pageSaved))) apply(local.answers);
  // The server refused the last submission and says why on this page: nothing is left to send.
  if (document.getElementById('quiz-error')) write(SUBMIT, null);
  var queued = read(SUBMIT);
  if (queued) apply(queued.answers);
  say(queued ? 'queued' : local && local.pending ? 'savedHere' : 'saving');

  form.addEventListener('change', choose);
  // Online, the form posts as without JavaScript; a copy is kept in case the post is lost on the
  // way (the page, opened again, sends it). Offline, the submission waits here for the network.
  form.addEventListener('submit', function (event) {
    write(SUBMIT, { answers: answers() });
    if (navigator.onLine) return;
    event.preventDefault();
    tries = 0;
    send();
  });
  window.addEventListener('online', function () {
    push();
    tries = 0;
    send();
  });
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) send(); // back from a page the lost post left: try the kept copy again
  });
  push();
  send();
})();
