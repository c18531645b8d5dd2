{% autoescape off %}// Hearth's service worker: it keeps static files and the offline page, nothing else. Pages
// are always fetched from the network and never stored, so nothing private stays on the device.
"use strict";

const CACHE = "hearth-{{ version }}";
const ASSETS = {{ assets }};
const OFFLINE_URL = {{ offline_url }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // Fetched without cookies: the offline page is the one everyone gets.
      .then((cache) => cache.addAll([...ASSETS, new Request(OFFLINE_URL, { credentials: "omit" })]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith("hearth-") && name !== CACHE)
            .map((name) => caches.delete(name)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Network only; when it fails, the offline page (never an earlier copy of the page).
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  if (ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  }
  // Anything else is left to the network, uncached.
});
{% endautoescape %}
