// On a phone the directory shows its list or its map, one at a time, the list first (the
// count, the criteria and the first results within reach); on wider screens both, side by
// side, and this toggle stays out of sight (site.css). A shared map view opens on the map.
(function () {
  "use strict";
  var main = document.querySelector("[data-directory-main]");
  var toggle = document.querySelector("[data-view-toggle]");
  if (!main || !toggle) return;
  var params = new URLSearchParams(window.location.search);

  function show(which) {
    main.setAttribute("data-showing", which);
    toggle.querySelectorAll("[data-show]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.show === which));
    });
  }

  show(params.has("vue") || params.has("pole") ? "map" : "list");
  toggle.hidden = false;
  toggle.addEventListener("click", function (event) {
    var button = event.target.closest("[data-show]");
    if (button) show(button.dataset.show);
  });
})();
