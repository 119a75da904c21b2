// On small screens the filter panel starts folded so that the map and the results come first;
// its summary ("Filtrer les pôles") opens it. Without JavaScript it simply stays open.
(function () {
  "use strict";
  var details = document.querySelector("[data-filters-details]");
  if (!details || !window.matchMedia) return;
  var small = window.matchMedia("(max-width: 48rem)");
  // A chosen filter keeps the panel open, so that people see what is selected.
  var hasSelection = details.querySelector("input:checked, input[type=search]:not([value=''])");
  if (small.matches && !hasSelection) details.open = false;
})();
