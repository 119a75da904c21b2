// The language switch keeps what the page shows: the same selection, map view and open pole,
// as the address bar holds them now (the filters and the map change it without reloading).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".language-switcher a[hreflang]");
    if (!link || !window.location.search) return;
    link.href = link.pathname + window.location.search + window.location.hash;
  });
})();
