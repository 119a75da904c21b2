// Django's admin autocomplete (select2) draws a combobox without an accessible name:
// give it the text of the field's label, on load and for every inline form added later.
(function () {
  "use strict";

  function name(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      if (!label) return;
      var text = label.textContent.replace(/\s*:\s*$/, "").trim();
      // The combobox, and the "textbox" showing the choice (empty on a new row).
      select.parentNode
        .querySelectorAll(".select2-selection[role=combobox], .select2-selection__rendered[role=textbox]")
        .forEach(function (node) { node.setAttribute("aria-label", text); });
    });
  }

  window.addEventListener("load", function () { name(document); });
  document.addEventListener("formset:added", function (event) {
    // select2 starts on the new row in the same event: name it right after.
    window.setTimeout(function () { name(event.target); }, 0);
  });
})();
