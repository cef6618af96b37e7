// Skip logic on the answer pages: a question with data-if-seq / data-if-in is shown only when the
// answer to that earlier question is one of the listed values. The server applies the same rule.
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  if (!form) return;
  function picked(seq) {
    var inputs = form.querySelectorAll('[name="q' + seq + '"]');
    var out = [];
    inputs.forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && el.checked) out.push(el.value);
      if (el.tagName === "SELECT" && el.value) out.push(el.value);
    });
    return out;
  }
  function refresh() {
    form.querySelectorAll("[data-if-seq]").forEach(function (box) {
      var wanted = box.getAttribute("data-if-in").split(",");
      var parent = document.getElementById("q" + box.getAttribute("data-if-seq"));
      var shown = !(parent && parent.hidden) && picked(box.getAttribute("data-if-seq")).some(function (v) {
        return wanted.indexOf(v) >= 0;
      });
      box.hidden = !shown;
      box.querySelectorAll("input, textarea").forEach(function (el) { el.disabled = !shown; });
    });
  }
  form.addEventListener("change", refresh);
  refresh();
})();
