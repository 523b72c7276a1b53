/* The studio's service worker: after the first visit the studio opens and trains with no
 * network (classrooms are often offline). `PRECACHE` ({ version, files }) is prepended by
 * build/offlinePlugin.ts at build time, so every build changes this file's bytes and the
 * browser installs the new worker. */
/* global PRECACHE */
const CACHE = `studio-${PRECACHE.version}`;

self.addEventListener('install', (event) => {
  // All of the build at once: a half-cached studio would open offline and then fail to
  // load its engine worker.
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(PRECACHE.files))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith('studio-') && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // The page itself: fresh when online (a new build), the cached shell when not.
    event.respondWith(fetch(request).catch(() => caches.match('./', { cacheName: CACHE, ignoreVary: true }).then((r) => r ?? Response.error())));
    return;
  }
  // Built assets carry content hashes, so a cached copy is never stale. ignoreVary: module
  // scripts are requested with an Origin header the precache requests did not carry.
  event.respondWith(caches.match(request, { cacheName: CACHE, ignoreVary: true }).then((cached) => cached ?? fetch(request)));
});
