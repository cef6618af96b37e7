// shian: small behaviours without inline scripts.
// The Content-Security-Policy forbids inline style attributes; templates write data-style="…" and
// this applies it through the CSSOM (which the policy allows). Runs before charts measure their boxes.
function shianApplyStyles(root) {
  if (root.matches && root.matches("[data-style]")) { root.style.cssText = root.dataset.style; }
  (root.querySelectorAll ? root.querySelectorAll("[data-style]") : []).forEach(function (el) {
    el.style.cssText = el.dataset.style;
  });
}
shianApplyStyles(document);
document.addEventListener("htmx:load", function (evt) { shianApplyStyles(evt.detail.elt); });
document.addEventListener("htmx:responseError", function (evt) {
  var msg = evt.detail.xhr.status === 403 ? "没有权限执行此操作" : "请求失败（" + evt.detail.xhr.status + "），请刷新后重试";
  alert(msg);
});
// Charts: any element with data-chart-url gets an ECharts chart from that JSON endpoint.
function shianRenderCharts(root) {
  if (typeof echarts === "undefined") return;
  (root || document).querySelectorAll("[data-chart-url]").forEach(function (el) {
    fetch(el.dataset.chartUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (option) {
      var chart = echarts.getInstanceByDom(el) || echarts.init(el, el.dataset.chartTheme || null);
      chart.setOption(option, true);
      window.addEventListener("resize", function () { chart.resize(); });
    });
  });
}
document.addEventListener("DOMContentLoaded", function () { shianRenderCharts(document); });
document.addEventListener("htmx:afterSwap", function (evt) { shianRenderCharts(evt.target); });
// Confirm buttons: <button data-confirm="确定？">
document.addEventListener("click", function (evt) {
  var el = evt.target.closest("[data-confirm]");
  if (el && !window.confirm(el.dataset.confirm)) { evt.preventDefault(); evt.stopPropagation(); }
}, true);
// <select data-autosubmit> submits its form on change.
document.addEventListener("change", function (evt) {
  if (evt.target.matches("[data-autosubmit]")) { evt.target.form.submit(); }
});
// <a data-history-back>: back one page (a javascript: URL would be inline script, refused by the CSP).
document.addEventListener("click", function (evt) {
  var el = evt.target.closest("[data-history-back]");
  if (el) { evt.preventDefault(); window.history.back(); }
});
