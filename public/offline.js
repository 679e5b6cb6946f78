/*
 * With JavaScript only (src/offline/CONTEXT.md): registers the service worker, says when the
 * page is a saved copy, keeps courses on the phone, and sends lessons marked read offline
 * once the network is back. Without it every page works as before, online.
 */
(function () {
  'use strict';
  if (!('serviceWorker' in navigator) || !window.caches) return;
  var me = document.currentScript && /[?&]v=([\w.-]+)/.exec(document.currentScript.src);
  navigator.serviceWorker.register('/sw.js?v=' + (me ? me[1] : ''), { scope: '/' });
  var OUTBOX = 'outbox';
  var lang = document.documentElement.lang || 'vi';

  function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (w, k) { return k in values ? values[k] : w; }); }
  // dd/mm/yyyy HH:mm in Vietnam time, as every date the server writes
  function when(iso) {
    var d = new Date(iso);
    if (isNaN(d)) return '';
    var p = {};
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    return p.day + '/' + p.month + '/' + p.year + ' ' + p.hour + ':' + p.minute;
  }

  /* The banner: a saved copy (the service worker marked the body) or no network. */
  function banner() {
    var b = document.getElementById('offline-banner');
    if (!b) return;
    var saved = document.body.getAttribute('data-saved-at');
    if (saved) b.textContent = fill(b.getAttribute('data-saved'), { when: when(saved) });
    else if (!navigator.onLine) b.textContent = b.getAttribute('data-offline');
    b.hidden = !saved && navigator.onLine;
  }

  /* Lessons marked read offline wait in a cache and are sent once, in order, when online. */
  function queueRead(form) {
    var body = new URLSearchParams(new FormData(form)).toString();
    return caches.open(OUTBOX).then(function (c) {
      return c.put(new Request('/__outbox/' + Date.now()), new Response(JSON.stringify({ action: form.getAttribute('action'), body: body })));
    });
  }
  function flush() {
    if (!navigator.onLine) return Promise.resolve();
    return caches.open(OUTBOX).then(function (c) {
      return c.keys().then(function (keys) {
        return keys.reduce(function (p, key) {
          return p.then(function () { return c.match(key); }).then(function (r) { return r.json(); }).then(function (item) {
            return fetch(item.action, { method: 'POST', body: item.body, credentials: 'same-origin', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
          }).then(function () { return c.delete(key); });
        }, Promise.resolve());
      });
    }).catch(function () { /* still offline: kept for the next time */ });
  }
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (navigator.onLine || !form.hasAttribute('data-offline-read')) return;
    e.preventDefault();
    queueRead(form).then(function () {
      var next = form.getAttribute('data-offline-next');
      if (next) location.href = next;
      else { var s = form.querySelector('[data-offline-queued]'); if (s) s.hidden = false; }
    });
  });

  /* "Keep this course on my phone": its lessons and pictures in a cache of its own. */
  function meta(slug) {
    return caches.open('course-' + slug).then(function (c) { return c.match('/__offline/meta'); }).then(function (r) { return r ? r.json() : null; });
  }
  function stamp(res) {
    return res.blob().then(function (b) { var h = new Headers(res.headers); h.set('X-Saved-At', new Date().toISOString()); return new Response(b, { status: res.status, headers: h }); });
  }
  function keep(box) {
    var slug = box.getAttribute('data-offline-course');
    show(box, null, box.getAttribute('data-saving'));
    return fetch(box.getAttribute('data-manifest'), { credentials: 'same-origin', cache: 'no-store' }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (m) {
      return caches.delete('course-' + slug).then(function () { return caches.open('course-' + slug); }).then(function (c) {
        return Promise.all(m.pages.concat(m.images).map(function (u) {
          return fetch(u, { credentials: 'same-origin' }).then(function (r) {
            if (!r.ok) throw new Error(u);
            return stamp(r).then(function (s) { return c.put(u, s); });
          });
        })).then(function () {
          var saved = { version: m.version, bytes: m.bytes, savedAt: new Date().toISOString() };
          return c.put('/__offline/meta', new Response(JSON.stringify(saved))).then(function () { show(box, saved); });
        });
      });
    }).catch(function () { caches.delete('course-' + slug); show(box, null, box.getAttribute('data-failed')); });
  }
  function show(box, saved, message) {
    var status = box.querySelector('[data-offline-status]');
    status.textContent = message || (saved ? fill(box.getAttribute('data-saved'), { mb: Math.max(0.1, saved.bytes / 1048576).toLocaleString(lang, { maximumFractionDigits: 1 }), when: when(saved.savedAt) }) : '');
    box.querySelector('[data-offline-action="keep"]').textContent = box.getAttribute(saved ? 'data-refresh' : 'data-keep');
    box.querySelector('[data-offline-action="remove"]').hidden = !saved;
  }
  /* A kept course whose content changed is saved again (the manifest's version). */
  function refreshIfChanged(box, saved) {
    if (!saved || !navigator.onLine) return;
    fetch(box.getAttribute('data-manifest'), { credentials: 'same-origin', cache: 'no-store' }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (m) { if (m && m.version !== saved.version) keep(box); }, function () { /* offline */ });
  }
  Array.prototype.forEach.call(document.querySelectorAll('[data-offline-course]'), function (box) {
    var slug = box.getAttribute('data-offline-course');
    box.hidden = false;
    meta(slug).then(function (saved) { show(box, saved); refreshIfChanged(box, saved); });
    box.addEventListener('click', function (e) {
      var action = e.target.getAttribute && e.target.getAttribute('data-offline-action');
      if (action === 'keep') keep(box);
      if (action === 'remove') caches.delete('course-' + slug).then(function () { show(box, null, box.getAttribute('data-removed')); });
    });
  });

  banner();
  window.addEventListener('online', function () { banner(); flush(); });
  window.addEventListener('offline', banner);
  flush();
})();
