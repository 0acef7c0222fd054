// Site-wide behaviour, kept out of the HTML: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  function announce(message) {
    var toast = document.getElementById("toast");
    if (!toast) return;
    toast.textContent = message;
    toast.classList.add("toast--shown");
    window.clearTimeout(announce.timer);
    announce.timer = window.setTimeout(function () {
      toast.classList.remove("toast--shown");
    }, 2500);
  }

  // "Copy link": copy the page's canonical address. Without JavaScript it is a plain link.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-copy-link]");
    if (!link || !navigator.clipboard) return;
    event.preventDefault();
    navigator.clipboard.writeText(link.href).then(
      function () { announce("Link copied: " + link.href); },
      function () { announce("Could not copy; the link is " + link.href); }
    );
  });

  // "Copy" beside text to copy (a topic's embed code): shown only where the clipboard can be
  // written; without it the text stays in its readonly box, to select and copy by hand.
  if (navigator.clipboard) {
    document.querySelectorAll("[data-copy-from]").forEach(function (button) { button.hidden = false; });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-from]");
    var source = button && document.getElementById(button.getAttribute("data-copy-from"));
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.value).then(
      function () { announce("Copied to the clipboard"); },
      function () { source.select(); announce("Could not copy; the text is selected, to copy by hand"); }
    );
  });
})();

// "Annotate this passage": select words in a scenario's narrative, and the form opens with
// the words filled in and where they stand in the text (readers not signed in are offered
// the login page instead). Each paragraph carries its offset in
// the narrative (data-offset); the server keeps the words and the text around them.
(function () {
  "use strict";
  var button = document.getElementById("annotate-selection");
  if (!button) return;
  var pending = null;

  function narrative() { return document.getElementById("narrative"); }

  function offsetOf(container, offset) {
    var node = container.nodeType === Node.ELEMENT_NODE ? container : container.parentNode;
    var p = node.closest("p[data-offset]");
    if (!p || !narrative().contains(p)) return null;
    var range = document.createRange();
    range.selectNodeContents(p);
    range.setEnd(container, offset);
    return parseInt(p.dataset.offset, 10) + range.toString().length;
  }

  function currentSelection() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    var range = selection.getRangeAt(0);
    var start = offsetOf(range.startContainer, range.startOffset);
    var end = offsetOf(range.endContainer, range.endOffset);
    var words = selection.toString().trim();
    if (start === null || end === null || end <= start || !words) return null;
    var rect = range.getBoundingClientRect();
    return { words: words, start: start, end: end, rect: rect, top: window.scrollY + rect.top };
  }

  function update() {
    pending = narrative() ? currentSelection() : null;
    if (!pending) { button.hidden = true; return; }
    button.hidden = false;
    button.style.setProperty("--x", (window.scrollX + pending.rect.left) + "px");
    button.style.setProperty("--y", (window.scrollY + pending.rect.bottom + 6) + "px");
  }

  document.addEventListener("selectionchange", function () { window.clearTimeout(update.timer); update.timer = window.setTimeout(update, 150); });

  button.addEventListener("click", function () {
    if (button.tagName === "A") return; // not signed in: the link goes to the login page
    var form = document.getElementById("annotate");
    if (!pending || !form) return;
    var fields = { quote: pending.words, quote_start: pending.start, quote_end: pending.end };
    Object.keys(fields).forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      if (input) input.value = fields[name];
    });
    button.hidden = true;
    // On a wide screen margin.js opens the form beside the words (and cancels this event);
    // otherwise the form is where it always is, below the text.
    var opened = new CustomEvent("annotate:open", { cancelable: true, detail: { top: pending.top } });
    if (document.dispatchEvent(opened)) form.scrollIntoView({ behavior: "smooth", block: "start" });
    var body = form.querySelector('[name="body"]');
    if (body) body.focus({ preventScroll: true });
  });
})();

// A highlighted passage links to its annotation's permalink (which works from anywhere);
// when that annotation is already on the page, jump to it instead of loading the page again.
document.addEventListener("click", function (event) {
  "use strict";
  var passage = event.target.closest("a.passage[data-annotations]");
  if (!passage) return;
  var ids = passage.dataset.annotations.split(" ");
  for (var i = 0; i < ids.length; i++) {
    if (document.getElementById("annotation-" + ids[i])) {
      event.preventDefault();
      window.location.hash = "annotation-" + ids[i];
      return;
    }
  }
});
