// The filter panel is served folded, so that on small screens the map and the results come
// first and nothing moves once the page is drawn; on wide screens, where it sits beside the
// results, it opens. A chosen filter keeps it open everywhere (the server renders it so).
(function () {
  "use strict";
  var details = document.querySelector("[data-filters-details]");
  if (!details || !window.matchMedia) return;
  if (window.matchMedia("(min-width: 48.01rem)").matches) details.open = true;
})();
