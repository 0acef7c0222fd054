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
})();
