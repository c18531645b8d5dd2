// "Enable on this device": asks the browser for permission to notify, subscribes it to push
// with Hearth's public VAPID key (or takes the subscription it has) and tells Hearth of it. The
// button stays hidden where the browser cannot take push or notifications are blocked.
// "Remove" on the device this browser is subscribed with also unsubscribes the browser, so it
// keeps no subscription Hearth no longer knows. The form posts as it does without JavaScript,
// which removes Hearth's side alone.
(() => {
  "use strict";
  const button = document.querySelector("[data-push-enable]");
  const status = document.querySelector("[data-push-status]");
  if (!button || !("serviceWorker" in navigator) || !("PushManager" in window)) return;

  const say = (words) => {
    if (status) status.textContent = words;
  };

  // The key arrives base64url-encoded; PushManager wants its bytes.
  const bytes = (base64url) => {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const raw = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  };

  const csrfToken = () => {
    try {
      return JSON.parse(document.body.dataset.hxHeaders || "{}")["X-CSRFToken"] || "";
    } catch {
      return "";
    }
  };

  const enable = async () => {
    button.disabled = true;
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        say("Notifications are blocked for Hearth in this browser; its settings can allow them.");
        return;
      }
      const registration = await navigator.serviceWorker.ready;
      const subscription =
        (await registration.pushManager.getSubscription()) ||
        (await registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: bytes(button.dataset.key),
        }));
      const response = await fetch(button.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify(subscription.toJSON()),
      });
      if (!response.ok) throw new Error(String(response.status));
      // The list shows the new device.
      window.location.reload();
    } catch {
      say("This device could not be set up for notifications. Please try again later.");
    } finally {
      button.disabled = false;
    }
  };

  // Each device's form names its endpoint's SHA-256 (hex), not the endpoint itself.
  const digest = async (text) => {
    const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
    return Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join("");
  };

  const unsubscribeWithThisDevice = async () => {
    // Not `ready`, which waits forever where no service worker was registered.
    const registration = await navigator.serviceWorker.getRegistration();
    const subscription = registration && (await registration.pushManager.getSubscription());
    if (!subscription) return;
    const mine = await digest(subscription.endpoint);
    for (const form of document.querySelectorAll("[data-push-device]")) {
      if (form.dataset.pushDevice !== mine) continue;
      // Started while the form posts; the page stays, so it finishes.
      form.addEventListener("submit", () => subscription.unsubscribe().catch(() => {}));
    }
  };
  unsubscribeWithThisDevice().catch(() => {});

  if (Notification.permission === "denied") return;
  button.hidden = false;
  button.addEventListener("click", enable);
})();
