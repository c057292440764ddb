// The mapping form of the import page: as a column's select changes, the row's "required but
// not mapped" mark and the labels above the preview follow. No inline scripts (CSP).
(function () {
  "use strict";

  function setup(form) {
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[name^=col_]"));
    var labels = Array.prototype.slice.call(form.querySelectorAll("td[data-header]"));
    var ignored = form.getAttribute("data-ignored") || "";

    function update() {
      var byHeader = {};
      selects.forEach(function (select) {
        var row = select.closest("tr");
        if (row && row.hasAttribute("data-required")) {
          row.classList.toggle("status-missed", !select.value);
        }
        if (select.value) { byHeader[select.value] = select.name.slice(4); }
      });
      labels.forEach(function (cell) {
        var column = byHeader[cell.getAttribute("data-header")];
        cell.textContent = "";
        var tag = document.createElement(column ? "code" : "span");
        tag.textContent = column || ignored;
        if (!column) { tag.className = "muted"; }
        cell.appendChild(tag);
      });
    }

    selects.forEach(function (select) { select.addEventListener("change", update); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-mapping]").forEach(setup);
  });
})();
