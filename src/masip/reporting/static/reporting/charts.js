// Draw each dashboard chart from its JSON data block (no inline script: the CSP allows none).
// Every chart has a text alternative and its table beside it; a chart is an aid, the table the record.
(function () {
  if (typeof Plotly === "undefined") { return; }
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    Plotly.newPlot(element, spec.data, spec.layout, {displayModeBar: false, staticPlot: true, responsive: true});
  });
})();
