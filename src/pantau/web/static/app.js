// Pantau page behaviour: filter selects submit their form on change. No inline scripts.
(function () {
  "use strict";
  function onChange(event) {
    var field = event.target;
    var form = field.form;
    if (!form) { return; }
    var reset = field.getAttribute("data-reset");
    if (reset && form.elements[reset]) {
      form.elements[reset].disabled = true; // a new grain starts at its latest period
    }
    form.submit();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosubmit] select, select[data-autosubmit-field]")
      .forEach(function (select) { select.addEventListener("change", onChange); });
  });
})();
