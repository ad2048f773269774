/* The draft page: "对本条提意见" fills the form's article without a reload;
   selecting words inside an article offers "对所选文字提意见", which keeps
   the article and the selected passage (the server checks it is there). */
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  if (!form) { return; }
  var provision = form.querySelector("input[name=provision]");
  var quote = form.querySelector("input[name=quote]");
  var label = document.getElementById("target-label");
  var quoteEl = document.getElementById("target-quote");
  var clear = document.getElementById("target-clear");
  var quoteBtn = document.getElementById("quote-btn");
  var pending = null;

  function setTarget(pk, articleLabel, text) {
    provision.value = pk || "";
    quote.value = text || "";
    label.textContent = pk ? label.dataset.article + articleLabel : label.dataset.whole;
    quoteEl.textContent = text ? "“" + text + "”" : "";
    clear.hidden = !pk;
  }

  document.querySelectorAll("a.comment-link").forEach(function (a) {
    a.addEventListener("click", function (event) {
      event.preventDefault();
      setTarget(a.dataset.provision, a.dataset.label, "");
      form.scrollIntoView({ behavior: "smooth", block: "start" });
      form.querySelector("textarea").focus({ preventScroll: true });
    });
  });
  clear.addEventListener("click", function () { setTarget("", "", ""); });

  function articleOf(node) {
    while (node && node.nodeType !== 1) { node = node.parentNode; }
    return node ? node.closest("section.article") : null;
  }

  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    var text = sel ? sel.toString().replace(/\s+/g, " ").trim() : "";
    var art = sel && sel.rangeCount ? articleOf(sel.anchorNode) : null;
    if (!text || !art || articleOf(sel.focusNode) !== art) {
      pending = null;
      quoteBtn.hidden = true;
      return;
    }
    // The label printed before the first paragraph is not part of the text.
    text = text.replace(art.dataset.label, "").trim().slice(0, 500);
    if (!text) { return; }
    pending = { pk: art.dataset.provision, label: art.dataset.label, text: text };
    var rect = sel.getRangeAt(0).getBoundingClientRect();
    quoteBtn.style.top = (window.scrollY + rect.bottom + 8) + "px";
    quoteBtn.style.left = Math.max(8, window.scrollX + rect.left) + "px";
    quoteBtn.hidden = false;
  });
  quoteBtn.addEventListener("mousedown", function (event) { event.preventDefault(); });
  quoteBtn.addEventListener("click", function () {
    if (!pending) { return; }
    setTarget(pending.pk, pending.label, pending.text);
    quoteBtn.hidden = true;
    form.scrollIntoView({ behavior: "smooth", block: "start" });
    form.querySelector("textarea").focus({ preventScroll: true });
  });
})();

/* On a station's screen (data-idle-seconds on <body>): after a while
   without a touch, go back to the station's start page, so the next
   resident never sees what the last one typed. */
(function () {
  "use strict";
  var seconds = parseInt(document.body.dataset.idleSeconds || "0", 10);
  var target = document.body.dataset.idleUrl;
  if (!seconds || !target) { return; }
  var timer = null;
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () { window.location.replace(target); }, seconds * 1000);
  }
  ["touchstart", "mousedown", "keydown", "input", "scroll"].forEach(function (name) {
    document.addEventListener(name, arm, { passive: true });
  });
  arm();
})();
