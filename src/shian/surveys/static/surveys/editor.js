// The question editor: show the fields of the chosen kind (options, or the rating scale) and the answers
// of the question a condition reads. The server validates everything again.
(function () {
  "use strict";
  function sync() {
    document.querySelectorAll(".question-form").forEach(function (form) {
      var kind = form.querySelector("[data-kind-select]");
      form.querySelectorAll("[data-kind-only]").forEach(function (el) {
        el.hidden = el.getAttribute("data-kind-only").split(" ").indexOf(kind.value) < 0;
      });
      var cond = form.querySelector("[data-cond-select]");
      form.querySelectorAll("[data-cond-for]").forEach(function (el) {
        el.hidden = !cond || el.getAttribute("data-cond-for") !== cond.value;
      });
    });
  }
  document.addEventListener("change", function (evt) {
    if (evt.target.matches("[data-kind-select], [data-cond-select]")) sync();
  });
  document.addEventListener("htmx:load", sync);
  sync();
})();
