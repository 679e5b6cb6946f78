/*
 * Tiếp sức số's service worker (src/offline/CONTEXT.md). Hand-written, no library: pages
 * network-first (a saved copy when the network fails), static files and lesson pictures
 * cache-first, kept courses in their own caches (filled by /static/offline.js).
 */
'use strict';
var PAGES = 'pages-v1';
/** The app's version (the page script registers /sw.js?v=…): its static files are saved at install. */
var V = new URL(self.location.href).searchParams.get('v') || '';
var ASSETS = 'assets-' + V;
var SAVED_AT = 'X-Saved-At';
/** Pages never kept: signing in and out, files to download. */
var NOT_KEPT = /^\/(login|logout|lang|sw\.js)(\/|$)|\/export|\/download|\.(csv|xlsx|pdf|zip)$/;

self.addEventListener('install', function (e) {
  self.skipWaiting();
  e.waitUntil(caches.open(ASSETS).then(function (c) {
    return Promise.all(['/static/app.css?v=' + V, '/static/offline.js?v=' + V, '/static/favicon.svg'].map(function (u) { return c.add(u).catch(function () {}); }));
  }));
});
self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return /^(pages|assets)-/.test(k) && k !== PAGES && k !== ASSETS; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (e) {
  var req = e.request;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method === 'POST' && /^\/(logout|login)$/.test(url.pathname)) { e.waitUntil(forgetPersonal()); return; }
  if (req.method !== 'GET') return;
  if (req.mode === 'navigate') e.respondWith(networkFirst(e, url));
  else if (/^\/static\//.test(url.pathname) || /^\/content\/[^/]+\/[^/]+\/images\//.test(url.pathname)) e.respondWith(cacheFirst(req));
});

/** A copy of a response with the time it was saved, for the banner of /static/offline.js. */
function stamped(res) {
  return res.blob().then(function (body) {
    var headers = new Headers(res.headers);
    headers.set(SAVED_AT, new Date().toISOString());
    return new Response(body, { status: res.status, statusText: res.statusText, headers: headers });
  });
}

function keepable(res, url) {
  var type = res.headers.get('Content-Type') || '';
  return res.ok && !res.redirected && type.indexOf('text/html') === 0 && !/attachment/.test(res.headers.get('Content-Disposition') || '') && !NOT_KEPT.test(url.pathname);
}

function networkFirst(e, url) {
  var req = e.request;
  return fetch(req).then(function (res) {
    if (keepable(res, url)) {
      var copy = res.clone();
      e.waitUntil(caches.open(PAGES).then(function (c) { return stamped(copy).then(function (s) { return c.put(req, s); }); }));
    }
    return res;
  }, function () {
    return savedCopy(req).then(function (res) { return res ? markedSaved(res) : Response.error(); });
  });
}

/** The newest saved copy of a page, in any cache (visited pages and kept courses). */
function savedCopy(req) {
  return caches.keys().then(function (keys) {
    return Promise.all(keys.map(function (k) { return caches.open(k).then(function (c) { return c.match(req, { ignoreVary: true }); }); }));
  }).then(function (found) {
    return found.filter(Boolean).sort(function (a, b) { return (b.headers.get(SAVED_AT) || '') < (a.headers.get(SAVED_AT) || '') ? -1 : 1; })[0];
  });
}

/** The page says it is a saved copy: the body carries when it was saved, the page script shows the banner. */
function markedSaved(res) {
  var when = res.headers.get(SAVED_AT) || '';
  return res.text().then(function (html) {
    var headers = new Headers(res.headers);
    headers.delete('Content-Length');
    return new Response(html.replace('<body>', '<body data-saved-at="' + when.replace(/[^\dTZ:.-]/g, '') + '">'), { status: 200, headers: headers });
  });
}

function cacheFirst(req) {
  return caches.match(req).then(function (hit) {
    return hit || fetch(req).then(function (res) {
      if (res.ok) { var copy = res.clone(); caches.open(ASSETS).then(function (c) { return c.put(req, copy); }); }
      return res;
    });
  });
}

/** Signing in or out: the pages of the last person are no one else's to read. */
function forgetPersonal() {
  return caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k === PAGES || k.indexOf('course-') === 0 || k === 'outbox'; }).map(function (k) { return caches.delete(k); }));
  });
}
