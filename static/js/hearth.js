// Small progressive enhancements; every page works without them.
(() => {
  "use strict";

  function enhance(root) {
    // Preselect the browser's time zone in a time zone list nobody has touched yet.
    // Browsers still report some zones by their old names, which the list offers by the new.
    const renamed = {
      "Asia/Calcutta": "Asia/Kolkata",
      "Asia/Katmandu": "Asia/Kathmandu",
      "Asia/Saigon": "Asia/Ho_Chi_Minh",
      "Asia/Rangoon": "Asia/Yangon",
      "Europe/Kiev": "Europe/Kyiv",
      "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
      "Atlantic/Faeroe": "Atlantic/Faroe",
      "Pacific/Truk": "Pacific/Chuuk",
      "Pacific/Ponape": "Pacific/Pohnpei",
    };
    const reported = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const zone = renamed[reported] || reported;
    root.querySelectorAll("select[data-browser-time-zone]").forEach((select) => {
      const untouched = select.value === "UTC" && !select.dataset.touched;
      if (zone && untouched && [...select.options].some((o) => o.value === zone)) {
        select.value = zone;
      }
    });

    root.querySelectorAll("[data-copy]").forEach((button) => {
      const source = document.querySelector(button.dataset.copy);
      if (!source || !navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", async () => {
        await navigator.clipboard.writeText(source.value);
        button.textContent = "Copied";
      });
    });

    root.querySelectorAll("[data-select-on-focus]").forEach((input) => {
      input.addEventListener("focus", () => input.select());
    });
  }

  document.addEventListener("DOMContentLoaded", () => enhance(document));
  document.addEventListener("htmx:load", (event) => enhance(event.target));
})();
