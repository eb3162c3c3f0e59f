// The opening-hours rows of the actor form: "Add a row" copies the last row, empty.
// Without JavaScript the form already offers empty rows, and more after each save.
(function () {
  "use strict";
  document.querySelectorAll("[data-hours]").forEach(function (box) {
    var list = box.querySelector(".hours-rows");
    var button = box.querySelector("[data-add-hours]");
    if (!list || !button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = list.querySelectorAll(".hours-row");
      var last = rows[rows.length - 1];
      var next = rows.length;
      var copy = last.cloneNode(true);
      copy.querySelectorAll("select, input").forEach(function (control) {
        var renamed = control.name.replace(/-\d+-/, "-" + next + "-");
        control.name = renamed;
        control.id = renamed;
        control.value = "";
      });
      copy.querySelectorAll("label").forEach(function (label) {
        label.htmlFor = label.htmlFor.replace(/-\d+-/, "-" + next + "-");
        var number = label.querySelector(".visually-hidden");
        if (number) { number.textContent = number.textContent.replace(/\d+/, String(next + 1)); }
      });
      list.appendChild(copy);
      copy.querySelector("select").focus();
    });
  });
})();
