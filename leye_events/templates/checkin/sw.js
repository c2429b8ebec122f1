/* The door's service worker: keeps the door pages and their files so they reload without a network.
   JSON requests are never answered from here (the page keeps its roster and queue in IndexedDB).
   The page asks for its scripts with the shell's version in the URL (?v=...), and files are looked up
   by their full URL: after a deploy a new page never gets an old script from an old cache. */
"use strict";
const CACHE = "leye-door-{{ version }}";
const ASSETS = {{ assets|tojson }};
const NETWORK_FIRST = {{ network_first|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(ASSETS.map((url) => new Request(url, { cache: "reload" })))
        // The open door pages, fetched again so that their copy refers to the new files.
        .then(() => self.clients.matchAll({ type: "window", includeUncontrolled: true }))
        .then((clients) => Promise.all(clients.map((client) => {
          const url = new URL(client.url);
          if (url.origin !== self.location.origin || !url.pathname.startsWith("/door")) return null;
          return fetch(url.pathname, { credentials: "same-origin", cache: "no-store" })
            .then((response) => (response.ok ? cache.put(url.pathname, response) : null))
            .catch(() => null);
        }))))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("leye-door-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

function networkFirst(request, key) {
  return fetch(request)
    .then((response) => {
      if (response.ok) {
        const copy = response.clone();
        caches.open(CACHE).then((cache) => cache.put(key, copy));
      }
      return response;
    })
    .catch(() => caches.match(key).then((hit) => hit || Response.error()));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith("/door")) {
    // Network first, so that an online reload always shows the newest page (and a fresh CSRF token).
    event.respondWith(networkFirst(request, url.pathname));
    return;
  }
  const key = url.pathname + url.search;
  if (NETWORK_FIRST.includes(key)) {
    event.respondWith(networkFirst(request, key));
  } else if (ASSETS.includes(key)) {
    event.respondWith(caches.match(key).then((hit) => hit || fetch(request)));
  }
});
