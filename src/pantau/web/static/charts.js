// Draws every chart whose figure (data + layout) the server put in a JSON data block.
(function () {
  "use strict";
  var CONFIG = { displayModeBar: false, responsive: true, staticPlot: false };
  function draw(el) {
    var block = document.getElementById(el.getAttribute("data-spec"));
    if (!block || typeof Plotly === "undefined") { return; }
    var spec = JSON.parse(block.textContent);
    Plotly.newPlot(el, spec.data, spec.layout, CONFIG).then(function () {
      el.setAttribute("data-drawn", "true");
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-spec]").forEach(draw);
  });
})();
