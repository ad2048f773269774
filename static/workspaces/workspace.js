// Workspace behaviour without inline scripts (a Content-Security-Policy
// without 'unsafe-inline' stays possible): print buttons, and forms that
// must not be sent twice by a second tap.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-once]")) { return; }
    if (form.dataset.sent === "1") { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) {
      b.disabled = true;
      if (b.dataset.busyLabel) { b.textContent = b.dataset.busyLabel; }
    });
  });
})();
