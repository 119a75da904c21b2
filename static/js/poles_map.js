// Maps of poles, set up on django-leaflet's "map:init" event: markers from the GeoJSON endpoint
// (or one point), clustered, with popups built from DOM nodes and textContent. The list beside
// each map is its full equivalent. Texts come from the page (json_script "map-messages").
(function () {
  "use strict";

  if (typeof L === "undefined") return;

  function readJson(id, fallback) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : fallback;
  }

  var messages = readJson("map-messages", {});
  var themeLabels = readJson("theme-labels", {});

  function text(key, count) {
    var value = messages[key] || "";
    return count === undefined ? value : value.replace("%(count)s", String(count));
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  // One icon of each kind, shared by every marker.
  var icons = {
    exact: L.divIcon({ className: "pole-marker pole-marker--exact", iconSize: [24, 24], iconAnchor: [12, 12], popupAnchor: [0, -10] }),
    approx: L.divIcon({ className: "pole-marker pole-marker--approx", iconSize: [24, 24], iconAnchor: [12, 12], popupAnchor: [0, -10] }),
  };

  // The longest piece of work done at once: a "long task" is over 50 ms, and a slow phone is
  // four times slower than the machines we measure on (Lighthouse's mobile profile).
  var SLICE_MS = 10;

  // A cluster says how many poles it holds to screen readers too ("12 pôles").
  var ClusterIcon = L.DivIcon.extend({
    createIcon: function (oldIcon) {
      var div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      div.setAttribute("aria-label", this.options.label);
      return div;
    },
  });

  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var label = element("span", null, String(count));
    var inner = element("div");
    inner.appendChild(label);
    return new ClusterIcon({
      html: inner.outerHTML,
      className: "marker-cluster marker-cluster-" + size,
      iconSize: L.point(40, 40),
      label: text("cluster", count),
    });
  }

  function popupContent(properties) {
    var box = element("div", "popup");
    var title = element("p", "popup-title");
    var link = element("a", null, properties.name);
    // The pole's address in the page's language (/poles/… or /en/poles/…).
    link.href = (messages.poleUrl || "/poles/__slug__/").replace("__slug__", encodeURIComponent(properties.slug));
    title.appendChild(link);
    box.appendChild(title);
    if (properties.commune) box.appendChild(element("p", "popup-place", properties.commune));
    if (properties.themes && properties.themes.length) {
      var labels = properties.themes.map(function (code) { return themeLabels[code] || code; });
      box.appendChild(element("p", "popup-themes", labels.join(" · ")));
    }
    if (properties.approximate) box.appendChild(element("p", "popup-note", text("approximate")));
    return box;
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

  function showError(container, shown) {
    var notice = container.parentNode.querySelector("[data-map-error]");
    if (!notice) {
      notice = element("p", "notice notice--warning", text("loadError"));
      notice.setAttribute("data-map-error", "");
      notice.setAttribute("role", "alert");
      container.parentNode.insertBefore(notice, container.nextSibling);
    }
    notice.hidden = !shown;
  }

  // The place the results are for ("Où ?", "Autour de moi"): a marker, and the map around it.
  var PLACE_ZOOM = { commune: 10, point: 10, epci: 9, departement: 8, region: 7 };
  var placeIcon = L.divIcon({ className: "place-marker", iconSize: [22, 22], iconAnchor: [11, 11] });

  function showPlace(map, state, move) {
    var list = document.querySelector("[data-pole-list]");
    var data = list ? list.dataset : {};
    if (state.marker) { map.removeLayer(state.marker); state.marker = null; }
    if (!data.placeLatitude) return;
    var point = [parseFloat(data.placeLatitude), parseFloat(data.placeLongitude)];
    state.marker = L.marker(point, { icon: placeIcon, title: data.placeLabel, keyboard: false,
                                     zIndexOffset: 1000 }).addTo(map);
    if (move) map.setView(point, PLACE_ZOOM[data.placeKind] || 9);
  }

  function directoryMap(map, container) {
    map.scrollWheelZoom.disable();
    var placeState = {};
    var shareView = container.hasAttribute("data-share-view");
    var layer = L.markerClusterGroup({
      showCoverageOnHover: false,
      // Wide enough that cluster icons (40 px) seldom overlap: each stays a target of its own.
      maxClusterRadius: 80,
      // Clusters are computed in slices short enough not to block the page (defaults: 200 ms).
      chunkedLoading: true,
      chunkInterval: SLICE_MS,
      chunkDelay: 0,
      chunkProgress: function (processed, total) {
        // Called before the last slice's clusters are drawn: what follows waits for them.
        if (processed === total && afterAdding) setTimeout(afterAdding, 0);
      },
      iconCreateFunction: clusterIcon,
    });
    var afterAdding = null;
    map.addLayer(layer);
    var markersBySlug = {};
    var requestId = 0;
    var initialView = shareView ? readView() : null;
    if (initialView) map.setView([initialView[0], initialView[1]], initialView[2]);

    function marker(feature) {
      var c = feature.geometry.coordinates;
      var p = feature.properties;
      var item = L.marker([c[1], c[0]], {
        icon: p.approximate ? icons.approx : icons.exact,
        title: p.name + (p.approximate ? " (" + text("approximateShort") + ")" : ""),
        alt: p.name,
        keyboard: true,
      });
      item.bindPopup(function () { return popupContent(p); });
      item.on("popupopen", function () { if (shareView) setParam("pole", p.slug); });
      item.on("popupclose", function () { if (shareView) setParam("pole", null); });
      markersBySlug[p.slug] = item;
      return item;
    }

    // Markers are built in slices of at most SLICE_MS, each in a task of its own, so that the
    // page stays responsive whatever the number of poles; a newer request abandons the build.
    function buildMarkers(features, current, done) {
      var markers = [];
      var index = 0;
      (function slice() {
        if (current !== requestId) return;
        var until = performance.now() + SLICE_MS;
        while (index < features.length && performance.now() < until) {
          markers.push(marker(features[index++]));
        }
        if (index < features.length) setTimeout(slice, 0);
        else done(markers);
      })();
    }

    function load(url, fit) {
      var current = ++requestId;
      return fetch(url, { headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (collection) {
          if (current !== requestId) return;
          showError(container, false);
          // Timings read by the benchmarks (bench/measure_browser.py).
          container.dataset.dataMs = String(performance.now());
          layer.clearLayers();
          markersBySlug = {};
          buildMarkers(collection.features, current, function (markers) {
            afterAdding = function () {
              afterAdding = null;
              if (current !== requestId) return;
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
            };
            layer.addLayers(markers);
          });
        })
        .catch(function () {
          if (current !== requestId) return;
          showError(container, true);
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
    showPlace(map, placeState, !initialView);

    document.addEventListener("directory:updated", function (event) {
      var base = container.dataset.geojsonUrl.split("?")[0];
      container.dataset.geojsonUrl = base + (event.detail.query ? "?" + event.detail.query : "");
      load(container.dataset.geojsonUrl, false);
      showPlace(map, placeState, true);
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

  function pointMap(map, container) {
    map.scrollWheelZoom.disable();
    var lat = parseFloat(container.dataset.latitude);
    var lon = parseFloat(container.dataset.longitude);
    var approximate = container.hasAttribute("data-approximate");
    L.marker([lat, lon], {
      icon: approximate ? icons.approx : icons.exact,
      title: container.dataset.name,
      keyboard: false,
    }).addTo(map);
    map.setView([lat, lon], approximate ? 8 : 11);
  }

  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    var container = map.getContainer();
    if (container.hasAttribute("data-latitude")) pointMap(map, container);
    else if (container.hasAttribute("data-geojson-url")) directoryMap(map, container);
  });
})();
