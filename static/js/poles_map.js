// Maps of poles: markers from the GeoJSON endpoint (or one point), clustered, with popups
// built from DOM nodes and textContent. The list beside each map is its full equivalent.
(function () {
  "use strict";

  var configNode = document.getElementById("map-config");
  if (!configNode || typeof L === "undefined") return;
  var config = JSON.parse(configNode.textContent);
  var labelsNode = document.getElementById("theme-labels");
  var themeLabels = labelsNode ? JSON.parse(labelsNode.textContent) : {};

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function popupContent(properties) {
    var box = element("div", "popup");
    var title = element("p", "popup-title");
    var link = element("a", null, properties.name);
    link.href = "/poles/" + encodeURIComponent(properties.slug) + "/";
    title.appendChild(link);
    box.appendChild(title);
    if (properties.commune) box.appendChild(element("p", "popup-place", properties.commune));
    if (properties.themes && properties.themes.length) {
      var labels = properties.themes.map(function (code) { return themeLabels[code] || code; });
      box.appendChild(element("p", "popup-themes", labels.join(" · ")));
    }
    if (properties.approximate) {
      box.appendChild(element("p", "popup-note",
        "Lieu approximatif : le point est le chef-lieu du département, la commune du pôle n'est pas connue."));
    }
    return box;
  }

  function markerIcon(approximate) {
    return L.divIcon({
      className: "pole-marker " + (approximate ? "pole-marker--approx" : "pole-marker--exact"),
      iconSize: [18, 18],
      iconAnchor: [9, 9],
      popupAnchor: [0, -8],
    });
  }

  function baseMap(container) {
    var map = L.map(container, { scrollWheelZoom: false }).setView(config.center, config.zoom);
    L.tileLayer(config.tilesUrl, { attribution: config.attribution, maxZoom: config.maxZoom }).addTo(map);
    return map;
  }

  function readView() {
    var view = new URLSearchParams(window.location.search).get("vue");
    if (!view) return null;
    var parts = view.split(",").map(parseFloat);
    if (parts.length !== 3 || parts.some(isNaN)) return null;
    return parts;
  }

  function setParam(name, value) {
    var url = new URL(window.location.href);
    if (value) url.searchParams.set(name, value);
    else url.searchParams.delete(name);
    window.history.replaceState(window.history.state, "", url);
  }

  function directoryMap(container) {
    var map = baseMap(container);
    var shareView = container.hasAttribute("data-share-view");
    var layer = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
    map.addLayer(layer);
    var markersBySlug = {};
    var requestId = 0;
    var initialView = shareView ? readView() : null;
    if (initialView) map.setView([initialView[0], initialView[1]], initialView[2]);

    function load(url, fit) {
      var current = ++requestId;
      return fetch(url, { headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (collection) {
          if (current !== requestId) return;
          // Timings read by the benchmarks (bench/measure_browser.py).
          container.dataset.dataMs = String(performance.now());
          layer.clearLayers();
          markersBySlug = {};
          var markers = collection.features.map(function (feature) {
            var c = feature.geometry.coordinates;
            var p = feature.properties;
            var marker = L.marker([c[1], c[0]], {
              icon: markerIcon(p.approximate),
              title: p.name + (p.approximate ? " (lieu approximatif)" : ""),
              alt: p.name,
              keyboard: true,
            });
            marker.bindPopup(function () { return popupContent(p); });
            marker.on("popupopen", function () { if (shareView) setParam("pole", p.slug); });
            marker.on("popupclose", function () { if (shareView) setParam("pole", null); });
            markersBySlug[p.slug] = marker;
            return marker;
          });
          layer.addLayers(markers);
          requestAnimationFrame(function () {
            container.dataset.drawnMs = String(performance.now());
            container.setAttribute("data-marker-count", String(markers.length));
          });
          if (fit && markers.length) {
            map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 11 });
          }
          var selected = shareView && new URLSearchParams(window.location.search).get("pole");
          if (selected && markersBySlug[selected]) {
            layer.zoomToShowLayer(markersBySlug[selected], function () {
              markersBySlug[selected].openPopup();
            });
          }
          container.dispatchEvent(new CustomEvent("map:loaded", { bubbles: true }));
        })
        .catch(function () {
          container.setAttribute("data-map-error", "");
        });
    }

    if (shareView) {
      map.on("moveend", function () {
        var c = map.getCenter();
        setParam("vue", [c.lat.toFixed(4), c.lng.toFixed(4), map.getZoom()].join(","));
      });
    }
    var fitOnLoad = container.hasAttribute("data-fit") && !initialView;
    load(container.dataset.geojsonUrl, fitOnLoad);

    document.addEventListener("directory:updated", function (event) {
      var base = container.dataset.geojsonUrl.split("?")[0];
      container.dataset.geojsonUrl = base + (event.detail.query ? "?" + event.detail.query : "");
      load(container.dataset.geojsonUrl, false);
    });

    var quickViews = container.parentNode.querySelector("[data-quick-views]");
    if (quickViews) {
      quickViews.hidden = false;
      quickViews.addEventListener("click", function (event) {
        var button = event.target.closest("[data-view]");
        if (!button) return;
        var v = button.dataset.view.split(",").map(parseFloat);
        map.setView([v[0], v[1]], v[2]);
      });
    }
  }

  function pointMap(container) {
    var map = baseMap(container);
    var lat = parseFloat(container.dataset.latitude);
    var lon = parseFloat(container.dataset.longitude);
    var approximate = container.hasAttribute("data-approximate");
    L.marker([lat, lon], { icon: markerIcon(approximate), title: container.dataset.name, keyboard: false })
      .addTo(map);
    map.setView([lat, lon], approximate ? 8 : 11);
  }

  document.querySelectorAll("[data-map]").forEach(function (container) {
    if (container.hasAttribute("data-latitude")) pointMap(container);
    else directoryMap(container);
  });
})();
