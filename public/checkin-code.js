/*
 * The check-in code page: at each new minute, fetch the page again and swap in the new code,
 * the count and the link, without reloading (no flash, focus and reading position kept).
 * Without JavaScript the page refreshes itself instead (<noscript> meta refresh).
 */
(function () {
  'use strict';
  var page = document.querySelector('.checkin-code-page');
  if (!page || !window.fetch || !window.DOMParser) return;
  var PARTS = ['.checkin-qr', '.checkin-counts', '.checkin-valid', '.checkin-link'];

  function schedule(seconds) {
    var s = Number(seconds);
    window.setTimeout(update, (s > 0 && s <= 120 ? s : 60) * 1000);
  }

  function update() {
    fetch(window.location.href, { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (res) {
        if (!res.ok) throw new Error('status ' + res.status);
        return res.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, 'text/html');
        var fresh = next.querySelector('.checkin-code-page');
        // the session closed or check-in stopped: show the page as it now is
        if (!fresh || !fresh.querySelector('.checkin-qr')) return window.location.reload();
        PARTS.forEach(function (sel) {
          var mine = page.querySelector(sel);
          var theirs = fresh.querySelector(sel);
          if (mine && theirs) mine.innerHTML = theirs.innerHTML;
        });
        schedule(fresh.getAttribute('data-refresh'));
      })
      .catch(function () {
        schedule(10); // a weak network: try again soon
      });
  }

  schedule(page.getAttribute('data-refresh'));
})();
