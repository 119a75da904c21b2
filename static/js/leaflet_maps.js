// Starts every map of the page the way django-leaflet's {% leaflet_map %} does, without an
// inline script: the options come from json_script, L.Map.djangoMap fires "map:init", and the
// behaviour files (poles_map.js, admin_point_map.js) listen to that event.
(function () {
  "use strict";

  function startMap(container) {
    var optionsNode = document.getElementById(container.dataset.leafletMap);
    if (!optionsNode) return;
    var djoptions = JSON.parse(optionsNode.textContent);
    // A map of poles starts without a view: poles_map.js gives it its first one (the shared
    // view, the poles' bounds, the place searched, the pole, or France), so that its tiles are
    // asked for once, not for France first.
    if (container.hasAttribute("data-map")) {
      djoptions.defaultView = { center: djoptions.center, zoom: djoptions.zoom };
      delete djoptions.center;
      delete djoptions.zoom;
      djoptions.fitextent = false; // else django-leaflet fits the whole world first
    }
    L.Map.djangoMap(container.id, {
      djoptions: djoptions,
      globals: false,
      callback: function () {},
    });
  }

  // Each map starts in a task of its own, after the scripts' evaluation: no long task on load.
  function start() {
    if (typeof L === "undefined" || !L.Map.djangoMap) return;
    document.querySelectorAll("[data-leaflet-map]").forEach(function (container) {
      setTimeout(function () { startMap(container); }, 0);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
