// Django's admin autocomplete (select2) draws a combobox without an accessible name:
// give it the text of the field's label, on load, for every inline form added later, and
// again whenever select2 redraws a multiple choice (its search field is then new).
(function () {
  "use strict";

  function labelOf(select) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/\s*:\s*$/, "").trim() : "";
  }

  function nameOne(select) {
    var text = labelOf(select);
    if (!text) return;
    var container = select.parentNode;
    // The combobox, the "textbox" showing the choice, and a multiple choice's search field.
    container
      .querySelectorAll(
        ".select2-selection[role=combobox], .select2-selection__rendered[role=textbox], " +
        ".select2-search__field"
      )
      .forEach(function (node) { node.setAttribute("aria-label", text); });
    // A multiple choice lists its chosen items with a clear button among them: not a list.
    container.querySelectorAll("ul.select2-selection__rendered").forEach(function (node) {
      node.setAttribute("role", "none");
    });
  }

  function name(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      nameOne(select);
      if (select.dataset.labelsWatched) return;
      select.dataset.labelsWatched = "1";
      new MutationObserver(function () { nameOne(select); }).observe(select.parentNode, {
        childList: true,
        subtree: true,
      });
    });
  }

  window.addEventListener("load", function () { name(document); });
  document.addEventListener("formset:added", function (event) {
    // select2 starts on the new row in the same event: name it right after.
    window.setTimeout(function () { name(event.target); }, 0);
  });
})();
