// The reports' charts: each <canvas data-chart="id"> draws the JSON of <script id="id">
// (rendered by Django's json_script, never executed). The same numbers are in the table below.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") {
    return;
  }
  var COLOURS = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997"];

  function formatter(locale, kind) {
    var digits = kind === "int" ? 0 : kind === "percent" || kind === "stars" ? 1 : 2;
    var format = new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
    return function (value) {
      return value === null || value === undefined ? "—" : format.format(value);
    };
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var kind = data.datasets.length ? data.datasets[0].kind : "int";
    var format = formatter(data.locale, kind);
    var chart = new window.Chart(canvas, {
      type: data.type,
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (set, index) {
          var colour = COLOURS[index % COLOURS.length];
          return {
            label: set.label,
            data: set.data,
            backgroundColor: colour,
            borderColor: colour,
            pointRadius: data.labels.length > 60 ? 0 : 2,
            tension: 0.2
          };
        })
      },
      options: {
        locale: data.locale,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, ticks: { callback: format } } },
        plugins: {
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + format(item.raw);
              }
            }
          }
        }
      }
    });
    canvas.setAttribute("data-drawn", chart.data.datasets.length);
  });
})();
