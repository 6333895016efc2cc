// Calendars: over a free slot, show the hour a click would book, and make the link book it.
// Without JavaScript the link still works: it opens the form at the start of the free slot.
(function () {
  "use strict";
  document.documentElement.classList.add("js-ghost");

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function hhmm(m) { return m >= 1440 ? "00:00" : pad(Math.floor(m / 60)) + ":" + pad(m % 60); }

  function place(event) {
    var el = event.target.closest && event.target.closest(".rc-free[data-start]");
    if (!el) return;
    var start = +el.dataset.start, end = +el.dataset.end, span = end - start;
    var rect = el.getBoundingClientRect();
    var vertical = !!el.closest(".wk");
    var fraction = vertical ? (event.clientY - rect.top) / rect.height : (event.clientX - rect.left) / rect.width;
    var minute = Math.floor((start + fraction * span) / 30) * 30;
    var length = Math.min(60, span);
    minute = Math.max(start, Math.min(minute, end - length));
    var url = new URL(el.href, window.location.href);
    url.searchParams.set("start", hhmm(minute));
    url.searchParams.set("end", hhmm(minute + length));
    el.href = url.pathname + url.search;
    el.style.setProperty("--gx", ((minute - start) / span) * 100 + "%");
    el.style.setProperty("--gw", (length / span) * 100 + "%");
    el.dataset.ghost = hhmm(minute) + "–" + hhmm(minute + length);
  }

  document.addEventListener("pointermove", place);
  document.addEventListener("pointerdown", place);
  document.addEventListener("pointerout", function (event) {
    var el = event.target.closest && event.target.closest(".rc-free[data-ghost]");
    if (el && !el.contains(event.relatedTarget)) delete el.dataset.ghost;
  });

  // Copy a secret link to the clipboard.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var input = document.getElementById(button.dataset.copy);
    if (!input) return;
    input.select();
    var done = function () { button.dataset.done = "1"; button.textContent = button.dataset.copied || "✓"; };
    if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, done);
    else { document.execCommand("copy"); done(); }
  });

  // On a narrow screen, scroll the day timeline to "now" (or leave it at the opening).
  function scrollToNow(root) {
    var now = root.querySelector && root.querySelector(".rc .rc-now");
    if (!now) return;
    var box = now.closest(".rc");
    if (box.scrollWidth <= box.clientWidth) return;
    var name = box.querySelector(".rc-name");
    var offset = now.getBoundingClientRect().left - box.getBoundingClientRect().left;
    box.scrollLeft += offset - (name ? name.offsetWidth : 0) - 24;
  }
  scrollToNow(document);
  document.addEventListener("htmx:afterSwap", function (event) { scrollToNow(event.target); });

  // The QR check-in page: once loaded, check in without a second tap.
  var auto = document.querySelector("form[data-autosubmit]");
  if (auto) auto.requestSubmit ? auto.requestSubmit() : auto.submit();
})();
