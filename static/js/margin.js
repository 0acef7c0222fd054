// The margin beside a scenario's narrative, on wide screens: a card for each annotated passage, level
// with it, and the annotation form opened beside the words a reader selected. On narrow screens, or
// without JavaScript, nothing changes: the annotations stay in the thread below the text.
// Positions are CSS custom properties set from here: the Content-Security-Policy forbids inline styles.
(function () {
  "use strict";
  var layout = document.getElementById("narrative-layout");
  if (!layout) return;
  var WIDE = window.matchMedia("(min-width: 1100px)");
  var GAP = 8; // px between two cards, or a card and the form
  var margin = null; // the <aside>, while the screen is wide
  var formBox = null; // holds #annotate while it is open in the margin
  var placeholder = null; // where #annotate goes back to
  var formTop = 0;
  var hovered = null;
  var focused = null;
  var scheduled = false;
  var observer = window.ResizeObserver ? new ResizeObserver(schedule) : null;
  var observed = null;

  function narrative() { return document.getElementById("narrative"); }
  function firstId(passage) { return passage.dataset.annotations.split(" ")[0]; }
  function formOpen() { return Boolean(formBox && !formBox.hidden); }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  // The highlighted pieces, grouped by the annotation that speaks for each (its first), in the text's order.
  function groups() {
    var byId = new Map();
    narrative().querySelectorAll("a.passage[data-annotations]").forEach(function (passage) {
      var id = firstId(passage);
      var group = byId.get(id);
      if (!group) {
        group = { id: id, passages: [], ids: new Set(), preview: passage.dataset.preview || "", href: passage.getAttribute("href") };
        byId.set(id, group);
      }
      group.passages.push(passage);
      passage.dataset.annotations.split(" ").forEach(function (other) { group.ids.add(other); });
    });
    return Array.from(byId.values());
  }

  // A card: "Evidence · ana" over the first line of the annotation, and how many more share the passage.
  function fill(card, group) {
    var split = group.preview.indexOf(": ");
    var head = split === -1 ? "" : group.preview.slice(0, split);
    var text = split === -1 ? group.preview || "Annotation" : group.preview.slice(split + 2);
    var more = group.ids.size - 1;
    var parts = [element("span", "margin-card-head", head), element("span", "margin-card-text", text)];
    if (more > 0) parts.push(element("span", "margin-card-more", "+" + more + " more"));
    if (!head) parts.shift();
    card.replaceChildren.apply(card, parts);
    // The annotation itself when this page shows it, else its permalink.
    card.href = document.getElementById("annotation-" + group.id) ? "#annotation-" + group.id : group.href;
  }

  function build() {
    if (!margin || !narrative()) return;
    var cards = new Map();
    margin.querySelectorAll(".margin-card").forEach(function (card) { cards.set(card.dataset.annotation, card); });
    var placed = groups().map(function (group) {
      var card = cards.get(group.id);
      cards.delete(group.id);
      if (!card) {
        card = element("a", "margin-card");
        card.dataset.annotation = group.id;
        margin.insertBefore(card, formBox);
      }
      fill(card, group);
      return { card: card, passage: group.passages[0] };
    });
    cards.forEach(function (card) { card.remove(); });
    // The narrative reflows (fonts, width) without a resize of the window; it is a new element after a swap.
    if (observer && observed !== narrative()) {
      observer.disconnect();
      observed = narrative();
      observer.observe(observed);
    }
    place(placed);
    mark();
  }

  // Each card level with its passage's first line, pushed down below the one before, and clear of the form.
  function place(placed) {
    var base = margin.getBoundingClientRect().top;
    var form = formOpen() ? { top: formTop, bottom: formTop + formBox.offsetHeight } : null;
    var floor = 0;
    placed
      .map(function (item) { return { card: item.card, want: item.passage.getBoundingClientRect().top - base }; })
      .sort(function (a, b) { return a.want - b.want; })
      .forEach(function (item) {
        var top = Math.max(item.want, floor);
        var height = item.card.offsetHeight;
        if (form && top < form.bottom + GAP && top + height + GAP > form.top) top = form.bottom + GAP;
        item.card.style.setProperty("--top", Math.round(top) + "px");
        floor = top + height + GAP;
      });
    margin.style.setProperty("--margin-height", Math.ceil(Math.max(floor, form ? form.bottom : 0)) + "px");
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    window.requestAnimationFrame(function () { scheduled = false; build(); });
  }

  // A passage and its card light up together, under the pointer or the keyboard's focus.
  function mark() {
    layout.querySelectorAll(".passage--active, .margin-card--active").forEach(function (node) {
      node.classList.remove("passage--active", "margin-card--active");
    });
    if (!margin) return;
    [hovered, focused].forEach(function (id) {
      if (!id) return;
      narrative().querySelectorAll("a.passage[data-annotations]").forEach(function (passage) {
        if (firstId(passage) === id) passage.classList.add("passage--active");
      });
      var card = margin.querySelector('.margin-card[data-annotation="' + id + '"]');
      if (card) card.classList.add("margin-card--active");
    });
  }

  function idAt(target) {
    var node = target && target.closest && target.closest("a.passage[data-annotations], .margin-card");
    if (!node) return null;
    return node.classList.contains("margin-card") ? node.dataset.annotation : firstId(node);
  }

  layout.addEventListener("mouseover", function (event) {
    var id = idAt(event.target);
    if (id !== hovered) { hovered = id; mark(); }
  });
  layout.addEventListener("mouseleave", function () { hovered = null; mark(); });
  layout.addEventListener("focusin", function (event) { focused = idAt(event.target); mark(); });
  layout.addEventListener("focusout", function () { focused = null; mark(); });

  // Moving the form may move the node the browser keeps the page anchored to (it is on screen on a
  // short page): the page must stay where the reader is.
  function holdingStill(move) {
    var root = document.documentElement;
    var x = window.scrollX, y = window.scrollY;
    root.classList.add("margin-moving");
    move();
    if (window.scrollY !== y) window.scrollTo(x, y);
    window.requestAnimationFrame(function () {
      window.requestAnimationFrame(function () { root.classList.remove("margin-moving"); });
    });
  }

  function openForm(top) {
    var annotate = document.getElementById("annotate");
    if (!annotate) return false;
    holdingStill(function () { moveIn(annotate, top); });
    return true;
  }

  function moveIn(annotate, top) {
    if (!formBox.contains(annotate)) {
      placeholder = document.createComment(" the annotation form returns here from the margin ");
      annotate.parentNode.insertBefore(placeholder, annotate);
      formBox.appendChild(annotate);
    }
    formBox.hidden = false;
    formTop = Math.max(0, Math.round(top - (margin.getBoundingClientRect().top + window.scrollY)));
    formBox.style.setProperty("--top", formTop + "px");
    build();
  }

  function closeForm(clearQuote) {
    if (!formBox) return;
    var annotate = document.getElementById("annotate");
    if (annotate && placeholder && placeholder.parentNode && formBox.contains(annotate)) {
      holdingStill(function () { placeholder.parentNode.insertBefore(annotate, placeholder); });
    }
    if (annotate && clearQuote) {
      ["quote", "quote_start", "quote_end"].forEach(function (name) {
        var input = annotate.querySelector('[name="' + name + '"]');
        if (input) input.value = "";
      });
    }
    if (placeholder) placeholder.remove();
    placeholder = null;
    formBox.hidden = true;
    build();
  }

  function setUp() {
    layout.classList.add("margin-on");
    margin = element("aside", "annotation-margin");
    margin.setAttribute("aria-label", "Annotations beside the text");
    formBox = element("div", "margin-form");
    formBox.hidden = true;
    var close = element("button", "link-button margin-form-close", "Cancel");
    close.type = "button";
    close.addEventListener("click", function () { closeForm(true); });
    formBox.appendChild(close);
    formBox.addEventListener("keydown", function (event) {
      if (event.key === "Escape") closeForm(true);
    });
    layout.appendChild(margin);
    margin.appendChild(formBox);
    build();
  }

  function tearDown() {
    closeForm(false);
    if (observer) observer.disconnect();
    observed = null;
    if (margin) margin.remove();
    margin = formBox = null;
    hovered = focused = null;
    layout.classList.remove("margin-on");
    mark();
  }

  // site.js asks before scrolling down to the form: on a wide screen the form opens here instead.
  document.addEventListener("annotate:open", function (event) {
    if (margin && openForm(event.detail.top)) event.preventDefault();
  });

  // A post that succeeded puts the form back in its place (htmx then swaps in a fresh one there);
  // one that failed swaps in place, in the margin, with its errors.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (formOpen() && target && target.id === "annotate" && status >= 200 && status < 300) closeForm(false);
  });

  // The narrative is swapped out of band when an annotation is posted or deleted; the thread changes
  // which annotations are on the page.
  document.addEventListener("htmx:afterSettle", schedule);
  document.addEventListener("htmx:load", schedule);
  window.addEventListener("resize", schedule);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(schedule);

  WIDE.addEventListener("change", function () { if (WIDE.matches) setUp(); else tearDown(); });
  if (WIDE.matches) setUp();
})();
