// The targets grid: edited cells are marked and counted, and leaving the page with unsaved
// edits asks first. Without JavaScript the grid works the same (the server compares each cell
// with the value it showed). No inline scripts (CSP).
(function () {
  "use strict";

  function setup(form) {
    var cells = Array.prototype.slice.call(form.querySelectorAll("input[data-original]"));
    var counter = form.querySelector("[data-changed-count]");
    var saving = false;

    function edited() {
      return cells.filter(function (cell) {
        return cell.value.trim() !== cell.getAttribute("data-original").trim();
      });
    }

    function update() {
      var changed = edited();
      cells.forEach(function (cell) { cell.classList.toggle("edited", changed.indexOf(cell) >= 0); });
      if (counter) {
        var template = counter.getAttribute("data-template") || "{n} ✎";
        counter.textContent = changed.length ? template.replace("{n}", changed.length) : "";
      }
    }

    form.addEventListener("input", update);
    form.addEventListener("submit", function () { saving = true; });
    window.addEventListener("beforeunload", function (event) {
      if (!saving && edited().length) { event.preventDefault(); event.returnValue = ""; }
    });
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-targets-grid]").forEach(setup);
  });
})();
