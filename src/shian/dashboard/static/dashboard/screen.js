// Command-centre screen: HTMX re-fetches the body every minute (hx-trigger="every 60s");
// dispose the old charts before the swap so a screen left on for days does not leak memory.
document.addEventListener("htmx:beforeSwap", function (evt) {
  if (typeof echarts === "undefined") return;
  evt.detail.target.querySelectorAll("[data-chart-url]").forEach(function (el) {
    var chart = echarts.getInstanceByDom(el);
    if (chart) chart.dispose();
  });
});
