// Installs Hearth's service worker (it keeps static files and the offline page only).
(() => {
  "use strict";
  const script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) return;
  const url = script.dataset.serviceWorker;
  window.addEventListener("load", () => {
    navigator.serviceWorker.register(url, { scope: "/" }).catch(() => {
      // Without it Hearth works as before, only not offline.
    });
  });
})();
