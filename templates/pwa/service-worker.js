{% autoescape off %}// Hearth's service worker: it keeps static files and the offline page, nothing else. Pages
// are always fetched from the network and never stored, so nothing private stays on the device.
// It also shows Hearth's push notifications (notices/push.py): neutral words and a page of this
// site to open on a tap.
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

// A page of this site, whatever the push said; anything else opens the home.
const samePage = (url) => {
  try {
    const page = new URL(url, self.location.origin);
    return page.origin === self.location.origin ? page.href : new URL("/", self.location.origin).href;
  } catch {
    return new URL("/", self.location.origin).href;
  }
};

self.addEventListener("push", (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = {};
  }
  const title = typeof message.title === "string" && message.title ? message.title : "Hearth";
  const body = typeof message.body === "string" ? message.body : "";
  event.waitUntil(
    self.registration.showNotification(title, {
      body,
      // One Hearth notification at a time: a newer one replaces the one still showing.
      tag: typeof message.tag === "string" && message.tag ? message.tag : "hearth",
      icon: ASSETS.find((asset) => asset.includes("icon-192")),
      data: { url: samePage(message.url || "/") },
    }),
  );
});

// Focus the window already showing the page, or take Hearth's open window there, or open one.
// A function of its own so that tests/e2e/test_push.py can run what a tap runs.
const openPage = (notification) => {
  const url = samePage(notification.data && notification.data.url);
  return self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
    const showing = windows.find((client) => client.url === url);
    if (showing) return showing.focus();
    const other = windows.find((client) => new URL(client.url).origin === self.location.origin);
    if (!other) return self.clients.openWindow(url);
    return other
      .navigate(url)
      .then((client) => (client ? client.focus().catch(() => client) : self.clients.openWindow(url)))
      .catch(() => self.clients.openWindow(url));
  });
};

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openPage(event.notification));
});
{% endautoescape %}
