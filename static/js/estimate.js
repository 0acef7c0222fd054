// A reader's estimate on a topic page: the running total as they type, and "Scale to 100" done in
// place. Without this script the form still works: the server shows the total and scales.
"use strict";

(function () {
  const FULL = 100;

  // The same words as diplomacy/forecasts/forms.py's phrase().
  function phrase(total) {
    if (total === null) return "—";
    if (total < FULL) return `${total}\u2009% (${FULL - total} to go)`;
    if (total > FULL) return `${total}\u2009% (${total - FULL} too many)`;
    return `${total}\u2009%`;
  }

  // A whole number (0 or more) read from a box, or null for an empty or unusable one.
  function number(input) {
    const text = input.value.trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  }

  // Whole numbers in proportion to `values`, adding up to 100 (largest remainder, ties to the first),
  // as the server's "Scale to 100" does.
  function scale(values) {
    const total = values.reduce((sum, value) => sum + value, 0);
    const exact = values.map((value) => (FULL * value) / total);
    const whole = exact.map(Math.floor);
    let left = FULL - whole.reduce((sum, value) => sum + value, 0);
    const order = exact
      .map((value, index) => ({ index, remainder: Math.round((value - whole[index]) * 1e9) }))
      .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
    for (const { index } of order) {
      if (left-- <= 0) break;
      whole[index] += 1;
    }
    return whole;
  }

  function start(form) {
    const inputs = Array.from(form.querySelectorAll("input.estimate-number"));
    const total = form.querySelector("[data-estimate-total]");
    const button = form.querySelector("[data-estimate-scale]");
    function update() {
      const given = inputs.map(number).filter((value) => value !== null);
      const sum = given.length ? given.reduce((a, b) => a + b, 0) : null;
      total.textContent = phrase(sum);
      total.classList.toggle("estimate-total--off", sum !== null && sum !== FULL);
    }
    button.addEventListener("click", (event) => {
      const values = inputs.map((input) => number(input) || 0);
      if (values.every((value) => value === 0)) return; // the server explains what to do
      event.preventDefault();
      scale(values).forEach((value, index) => {
        inputs[index].value = String(value);
      });
      update();
      total.focus();
    });
    inputs.forEach((input) => input.addEventListener("input", update));
    total.tabIndex = -1;
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-estimate-form]").forEach(start);
  });
})();
