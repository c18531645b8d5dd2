// The pause page: a countdown, and the return time each length leads to. The page says both
// in plain text without this file; it only keeps them current.
(() => {
  "use strict";

  function formatLeft(seconds) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    const mm = String(m).padStart(h ? 2 : 1, "0");
    const ss = String(s).padStart(2, "0");
    return (h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`) + " left";
  }

  function countDown(timer) {
    // Counted from the server's figure, so a wrong clock on this device does not matter.
    const end = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
    const due = document.querySelectorAll("[data-shown-when-due]");
    const tick = () => {
      const left = Math.max(0, Math.round((end - Date.now()) / 1000));
      if (left > 0) {
        timer.textContent = formatLeft(left);
        return;
      }
      timer.textContent = "It's time to come back.";
      due.forEach((element) => {
        element.hidden = false;
      });
      clearInterval(interval);
    };
    const interval = setInterval(tick, 1000);
    tick();
  }

  function showReturnTime(output) {
    const select = document.getElementById(output.htmlFor.value);
    if (!select) return;
    const format = new Intl.DateTimeFormat("en-GB", {
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: output.dataset.timeZone,
    });
    const update = () => {
      const minutes = Number(select.value);
      if (minutes > 0) {
        output.textContent = format.format(new Date(Date.now() + minutes * 60000)).replace(",", "");
      }
    };
    select.addEventListener("change", update);
    setInterval(update, 30000);
    update();
  }

  // On the pause page, a pause that ends while it is open leads both to the way back in.
  function comeBackWhenEnded() {
    if (!document.querySelector("[data-pause-page]")) return;
    document.body.addEventListener("htmx:afterSettle", () => {
      if (document.querySelector("#pause-banner [data-pause-ended]")) {
        window.location.assign(window.location.pathname);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    comeBackWhenEnded();
    document.querySelectorAll("[data-seconds-left]").forEach(countDown);
    document.querySelectorAll("output[data-return-output]").forEach(showReturnTime);
  });
})();
