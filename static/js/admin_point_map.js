// Admin map widget: keeps a Leaflet marker and the latitude/longitude inputs in sync. The map
// is set up by django-leaflet (static/js/leaflet_maps.js); this file listens to "map:init".
(function () {
  "use strict";

  // Django's JavaScript catalogue, when the page has it (the admin is in French).
  var gettext = window.gettext || function (text) { return text; };

  function useMarkerIcons() {
    // The real (fingerprinted) addresses of Leaflet's marker images, from the page.
    var node = document.getElementById("marker-icons");
    if (!node) return;
    L.Icon.Default.imagePath = "";
    L.Icon.Default.mergeOptions(JSON.parse(node.textContent));
  }

  function init(map, container) {
    var form = container.closest("form");
    var latInput = form.querySelector("[data-point-latitude]");
    var lonInput = form.querySelector("[data-point-longitude]");
    var precisionSelect = form.querySelector("[data-point-precision]");
    var clearButton = form.querySelector("[data-point-clear]");
    var options = JSON.parse(document.getElementById(container.dataset.leafletMap).textContent);
    var digits = options.precision || 5;

    var marker = null;

    function readInputs() {
      var lat = parseFloat(latInput.value);
      var lon = parseFloat(lonInput.value);
      if (isNaN(lat) || isNaN(lon)) return null;
      return L.latLng(lat, lon);
    }

    function writeInputs(latlng) {
      latInput.value = latlng.lat.toFixed(digits);
      lonInput.value = latlng.lng.toFixed(digits);
      // A point placed on a pole marked "not located" becomes a commune point by default.
      if (precisionSelect && precisionSelect.value === precisionSelect.dataset.precisionNone) {
        precisionSelect.value = precisionSelect.dataset.precisionDefault;
      }
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function placeMarker(latlng) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: true, keyboard: true, title: gettext("Point du pôle") });
        marker.on("dragend", function () {
          writeInputs(marker.getLatLng());
        });
        marker.addTo(map);
      } else {
        marker.setLatLng(latlng);
      }
    }

    function syncFromInputs() {
      var latlng = readInputs();
      if (latlng) {
        placeMarker(latlng);
        map.panTo(latlng);
      } else if (marker) {
        map.removeLayer(marker);
        marker = null;
      }
    }

    map.on("click", function (event) {
      placeMarker(event.latlng);
      writeInputs(event.latlng);
    });
    latInput.addEventListener("input", syncFromInputs);
    lonInput.addEventListener("input", syncFromInputs);
    if (clearButton) {
      clearButton.addEventListener("click", function () {
        latInput.value = "";
        lonInput.value = "";
        if (precisionSelect) precisionSelect.value = precisionSelect.dataset.precisionNone;
        syncFromInputs();
      });
    }

    var initial = readInputs();
    if (initial) {
      placeMarker(initial);
      map.setView(initial, 10);
    }
  }

  window.addEventListener("map:init", function (event) {
    var container = event.detail.map.getContainer();
    if (!container.hasAttribute("data-point-map")) return;
    useMarkerIcons();
    init(event.detail.map, container);
  });
})();
