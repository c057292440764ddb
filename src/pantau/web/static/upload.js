// Upload forms (form.upload): drop a file on the drop zone, or pick it; a file over the size
// limit is refused here already (the server refuses it too). No inline scripts (CSP).
(function () {
  "use strict";

  function describe(file) {
    var kb = Math.max(1, Math.round(file.size / 1024));
    return file.name + " (" + (kb >= 1024 ? (kb / 1024).toFixed(1) + " MB" : kb + " KB") + ")";
  }

  function setup(form) {
    var input = form.querySelector("input[type=file]");
    if (!input) { return; }
    var zone = form.querySelector("[data-dropzone]");
    var label = form.querySelector("[data-file-name]");
    var warning = form.querySelector("[data-too-large]");
    var max = parseInt(form.getAttribute("data-max-bytes") || "0", 10);

    function check() {
      var file = input.files && input.files[0];
      var tooLarge = Boolean(file && max && file.size > max);
      if (label) { label.textContent = file ? describe(file) : ""; }
      if (warning) { warning.hidden = !tooLarge; }
      return Boolean(file) && !tooLarge;
    }

    input.addEventListener("change", check);
    form.addEventListener("submit", function (event) {
      if (!check()) { event.preventDefault(); return; }
      form.classList.add("busy");
    });
    if (!zone) { return; }
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("dragging");
      });
    });
    ["dragleave", "dragend", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("dragging"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) { return; }
      input.files = files;
      if (check()) {
        form.classList.add("busy");
        form.submit();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.upload").forEach(setup);
  });
})();
