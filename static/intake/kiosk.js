/* Residents' pages: one submit per tap, a client-side hint on photo count
   and size, and on a kiosk the inactivity warning and reset.
   Timings come from data attributes on <body> (settings INTAKE_KIOSK_*). */
(function () {
  "use strict";
  var body = document.body;

  // One submission per form: the second tap of a double tap does nothing.
  // (The server also dedupes on the hidden submission key.)
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted === "1") { event.preventDefault(); return; }
      form.dataset.submitted = "1";
      var btn = form.querySelector("button[type=submit], .btn-submit");
      if (btn) {
        if (btn.dataset.busyLabel) { btn.textContent = btn.dataset.busyLabel; }
        btn.setAttribute("aria-disabled", "true");
        // Disable after the event so the button's own name/value is sent.
        setTimeout(function () { btn.disabled = true; }, 0);
      }
    });
  });

  // Photos: tell at once when too many or too large (the server checks again).
  var photos = document.getElementById("id_photos");
  if (photos) {
    var err = document.getElementById("photos_client_error");
    photos.addEventListener("change", function () {
      var max = parseInt(photos.dataset.maxFiles || "3", 10);
      var maxMb = parseInt(photos.dataset.maxMb || "8", 10);
      var msg = "";
      // The messages come translated from the page (data-too-many, data-too-big).
      if (photos.files.length > max) {
        msg = (err.dataset.tooMany || "").replace("{max}", max);
      } else {
        for (var i = 0; i < photos.files.length; i++) {
          if (photos.files[i].size > maxMb * 1024 * 1024) {
            msg = (err.dataset.tooBig || "").replace("{name}", photos.files[i].name).replace("{mb}", maxMb);
            break;
          }
        }
      }
      if (msg) { photos.value = ""; }
      if (err) { err.textContent = msg; err.hidden = !msg; }
      var chosen = document.getElementById("photos_chosen");
      if (chosen) {
        chosen.textContent = photos.files.length ? chosen.dataset.some.replace("%s", photos.files.length) : chosen.dataset.none;
      }
    });
  }

  // Move focus to the error summary so screen readers and eyes land on it.
  var summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }

  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });

  // "完成" on the confirmation page replaces the history entry.
  document.querySelectorAll("a[data-replace]").forEach(function (a) {
    a.addEventListener("click", function (event) { event.preventDefault(); location.replace(a.href); });
  });

  // Back/Forward from the page cache on a phone: let the form be sent again
  // (the server still dedupes it).
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted || body.dataset.kiosk === "1") { return; }
    document.querySelectorAll("form").forEach(function (f) { f.dataset.submitted = ""; });
    document.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; b.removeAttribute("aria-disabled"); });
  });

  if (body.dataset.kiosk !== "1") { return; }

  var resetUrl = body.dataset.resetUrl || location.pathname;
  var isDone = body.dataset.page === "done";
  var idleMs = 1000 * parseFloat(isDone ? body.dataset.doneSeconds : body.dataset.idleSeconds);
  var warnS = Math.max(1, Math.round(parseFloat(body.dataset.warnSeconds)));
  var dialog = document.getElementById("idle-dialog");
  var countEl = document.getElementById("idle-count");
  var idleTimer = null, tick = null, left = 0;

  function reset() {
    document.querySelectorAll("form").forEach(function (f) { f.reset(); });
    // replace(): the previous resident's page is not left in the history.
    location.replace(resetUrl);
  }
  function hideWarning() {
    if (tick) { clearInterval(tick); tick = null; }
    if (dialog) { dialog.hidden = true; }
  }
  function showWarning() {
    if (isDone || !dialog) { reset(); return; }
    left = warnS;
    countEl.textContent = String(left);
    dialog.hidden = false;
    document.getElementById("idle-continue").focus();
    tick = setInterval(function () {
      left -= 1;
      countEl.textContent = String(Math.max(left, 0));
      if (left <= 0) { clearInterval(tick); reset(); }
    }, 1000);
  }
  function activity() {
    if (dialog && !dialog.hidden) { return; } // only the buttons dismiss the warning
    clearTimeout(idleTimer);
    idleTimer = setTimeout(showWarning, idleMs);
  }
  ["pointerdown", "keydown", "input", "touchstart", "wheel"].forEach(function (name) {
    document.addEventListener(name, activity, { passive: true, capture: true });
  });
  if (dialog) {
    document.getElementById("idle-continue").addEventListener("click", function () { hideWarning(); activity(); });
    document.getElementById("idle-reset").addEventListener("click", reset);
  }
  // Coming back with Back/Forward from the page cache: start clean.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { reset(); } });
  activity();
})();
