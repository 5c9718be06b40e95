// greenlane's dashboards: draws every chart described in the page's #dash-data JSON with the
// vendored Chart.js. No build step: plain browser JavaScript.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dash-data").textContent);
  var palette = ["#198754", "#0d6efd", "#e0a800", "#dc3545", "#6f42c1", "#343a40", "#20c997", "#fd7e14", "#6c757d", "#0dcaf0"];
  data.charts.forEach(function (c) {
    var canvas = document.getElementById("chart-" + c.id);
    if (!canvas) { return; }
    if (c.kind === "capacity") { capacity(canvas, c); return; }
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

  // Load against capacity: one bar a flight, the load drawn over its capacity on one axis, so
  // that the share of the aircraft used reads at a glance. A load however small keeps a sliver
  // (minBarLength): an empty flight and a nearly empty one must not look alike.
  // A scheduled flight's planned load (third series) is not cargo on board: it is drawn hatched
  // in another colour, so that a plan never reads as a load.
  function capacity(canvas, c) {
    var load = c.series[0], cap = c.series[1], plan = c.series[2];
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: c.labels,
        datasets: [
          // An empty flight has no bar at all (null), not a sliver.
          { label: load.label, data: load.values.map(function (v) { return v > 0 ? v : null; }), backgroundColor: palette[0], minBarLength: 3, order: 0, barPercentage: 0.6 },
          { label: cap.label, data: cap.values, backgroundColor: "#d6e4f0", borderColor: palette[1], borderWidth: 1, order: 1, barPercentage: 0.9 }
        ].concat(plan ? [
          { label: plan.label, data: plan.values.map(function (v) { return v > 0 ? v : null; }), backgroundColor: hatch("#e8a33d"), borderColor: "#b06f00", borderWidth: 1, minBarLength: 3, order: 0, barPercentage: 0.6 }
        ] : [])
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        datasets: { bar: { grouped: false } },
        scales: { y: { beginAtZero: true, title: { display: true, text: "kg" } } },
        plugins: { legend: { display: true } }
      }
    });
  }

  // A diagonal hatch in `colour`, as a canvas pattern Chart.js fills a bar with.
  function hatch(colour) {
    var tile = document.createElement("canvas");
    tile.width = 8; tile.height = 8;
    var g = tile.getContext("2d");
    g.fillStyle = "#fff"; g.fillRect(0, 0, 8, 8);
    g.strokeStyle = colour; g.lineWidth = 3;
    g.beginPath(); g.moveTo(0, 8); g.lineTo(8, 0); g.moveTo(-2, 2); g.lineTo(2, -2); g.moveTo(6, 10); g.lineTo(10, 6); g.stroke();
    return g.createPattern(tile, "repeat");
  }
})();
