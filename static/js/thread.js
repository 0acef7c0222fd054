// The annotation thread's replies. Kept out of the HTML: the Content-Security-Policy forbids inline scripts.
(function () {
  "use strict";

  // "Cancel" under a reply form opened in place closes it (without JavaScript it is a link back).
  document.addEventListener("click", function (event) {
    var cancel = event.target.closest("[data-reply-cancel]");
    var slot = cancel && cancel.closest(".reply-slot");
    if (!slot) return;
    event.preventDefault();
    var reply = slot.parentElement.querySelector("[data-hx-target='#" + slot.id + "']");
    slot.replaceChildren();
    if (reply) reply.focus();
  });

  // A reply form opened in place takes the focus.
  document.addEventListener("htmx:afterSwap", function (event) {
    var slot = event.detail.target;
    if (slot && slot.classList && slot.classList.contains("reply-slot")) {
      var field = slot.querySelector("textarea");
      if (field) field.focus();
    }
  });

  // A link to a reply folded under "Show all replies" unfolds it (Chromium does this by itself;
  // other browsers may not), and a reply just posted is brought into view.
  function reveal(element) {
    for (var node = element; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
    element.scrollIntoView({ block: "center" });
  }
  function revealTarget() {
    var id = window.location.hash.slice(1);
    var target = id && document.getElementById(id);
    if (target && target.closest(".replies")) reveal(target);
  }
  window.addEventListener("hashchange", revealTarget);
  document.addEventListener("DOMContentLoaded", revealTarget);
  document.addEventListener("htmx:afterSettle", function (event) {
    var posted = event.detail.target && event.detail.target.querySelector && event.detail.target.querySelector("[data-just-posted]");
    if (posted) reveal(posted);
  });
})();
