// The short list's print button: shown only when scripts run (else the browser's own print).
(function () {
  "use strict";
  var button = document.getElementById("print-shortlist");
  if (!button) { return; }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
}());
