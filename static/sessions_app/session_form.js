// Session editor: "Add another target" clones the empty target form (homes set any number).
(function () {
  "use strict";
  function ready() {
    var button = document.getElementById("add-target");
    var template = document.getElementById("target-template");
    var total = document.getElementById("id_targets-TOTAL_FORMS");
    if (!button || !template || !total) return;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      document.getElementById("target-rows").appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("textarea, input");
      if (first) first.focus();
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
