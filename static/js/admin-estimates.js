// The admin's re-estimate form: the running total of the new numbers as the editor types, and the
// submit button enabled only when they add up to 100. The server checks again; this only helps.
"use strict";

(function () {
  const FULL = 100;

  // The same words as diplomacy/timeline/forms.py's running_total().
  function phrase(values) {
    const given = values.filter((value) => value !== null);
    const missing = values.length - given.length;
    const total = given.reduce((sum, value) => sum + value, 0);
    let text = `Total: ${total} %`;
    if (total < FULL) text += ` — ${FULL - total} to go`;
    if (total > FULL) text += ` — ${total - FULL} too many`;
    if (missing) text += ` (${missing} outcome${missing > 1 ? "s" : ""} without a number)`;
    return { text, complete: total === FULL && missing === 0 };
  }

  // A whole number from 0 to 100, or null for an empty or unusable box.
  function number(input) {
    const text = input.value.trim();
    if (!/^\d+$/.test(text)) return null;
    const value = Number(text);
    return value <= FULL ? value : null;
  }

  function start(form) {
    const inputs = Array.from(form.querySelectorAll("input[data-estimate]"));
    const total = form.querySelector("[data-estimates-total]");
    const submit = form.querySelector("[data-estimates-submit]");
    function update() {
      const { text, complete } = phrase(inputs.map(number));
      total.textContent = text;
      total.classList.toggle("estimates-total--complete", complete);
      submit.disabled = !complete;
    }
    inputs.forEach((input) => input.addEventListener("input", update));
    update();
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("form[data-estimates-form]").forEach(start);
  });
})();
