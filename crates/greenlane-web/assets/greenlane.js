// greenlane's dashboards: draws every chart described in the page's #dash-data JSON with the
// vendored Chart.js. No build step: plain browser JavaScript.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dash-data").textContent);
  var palette = ["#198754", "#0d6efd", "#e0a800", "#dc3545", "#6f42c1", "#343a40", "#20c997", "#fd7e14", "#6c757d", "#0dcaf0"];
  data.charts.forEach(function (c) {
    var canvas = document.getElementById("chart-" + c.id);
    if (!canvas) { return; }
    var round = c.kind === "doughnut";
    var datasets = c.series.map(function (s, i) {
      var ds = { label: s.label, data: s.values, backgroundColor: round ? palette : palette[i % palette.length], borderColor: round ? "#fff" : palette[i % palette.length] };
      if (c.kind === "bar" && i > 0) { ds.type = "line"; ds.yAxisID = "y1"; }
      return ds;
    });
    var scales = round ? {} : { y: { beginAtZero: true } };
    if (c.series.length > 1 && !round) { scales.y1 = { position: "right", grid: { drawOnChartArea: false } }; }
    new Chart(canvas, {
      type: c.kind,
      data: { labels: c.labels, datasets: datasets },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: scales, plugins: { legend: { display: round || c.series.length > 1 } } }
    });
  });
  document.body.setAttribute("data-charts-drawn", String(data.charts.length));
})();
