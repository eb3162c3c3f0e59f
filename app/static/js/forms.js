// A form sent back with errors: move the focus to its error summary, so that a screen
// reader reads the problems first and a keyboard user starts from the links to the fields.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary[tabindex]");
  if (summary) {
    summary.focus();
  }
})();
