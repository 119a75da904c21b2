// Maps of poles, set up on django-leaflet's "map:init" event: clusters and markers of the
// GeoJSON endpoint (or one point), with popups built from DOM nodes and textContent. The list beside
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

  // A cluster says how many poles it holds to screen readers too ("12 pôles").
  var ClusterIcon = L.DivIcon.extend({
    createIcon: function (oldIcon) {
      var div = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      div.setAttribute("aria-label", this.options.label);
      return div;
    },
  });

  function clusterIcon(count) {
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

  // The pole's address in the page's language (/poles/… or /en/poles/…).
  function poleUrl(slug) {
    return (messages.poleUrl || "/poles/__slug__/").replace("__slug__", encodeURIComponent(slug));
  }

  function popupContent(properties) {
    var box = element("div", "popup");
    var title = element("p", "popup-title");
    var link = element("a", null, properties.name);
    link.href = poleUrl(properties.slug);
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
  var placeIcon = L.divIcon({ className: "place-marker", iconSize: [22, 22], iconAnchor: [11, 11] });

  function showPlace(map, state, move) {
    var list = document.querySelector("[data-pole-list]");
    var data = list ? list.dataset : {};
    if (state.marker) { map.removeLayer(state.marker); state.marker = null; }
    if (!data.placeLatitude) return false;
    var point = [parseFloat(data.placeLatitude), parseFloat(data.placeLongitude)];
    if (move && data.placeBounds) {
      // The place and the poles listed for it (there, in its department, nearest).
      var b = data.placeBounds.split(",").map(parseFloat);
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: [30, 30], maxZoom: parseInt(data.placeZoom, 10) || 10, animate: false });
    } else if (move) map.setView(point, parseInt(data.placeZoom, 10) || 9);
    state.marker = L.marker(point, { icon: placeIcon, title: data.placeLabel, keyboard: false,
                                     zIndexOffset: 1000 }).addTo(map);
    return move;
  }

  // Poles that share one point at the deepest zoom: a list of links in one popup.
  function leavesContent(item) {
    var box = element("div", "popup");
    box.appendChild(element("p", "popup-title", text("samePlace", item.count)));
    var list = element("ul", "popup-list");
    item.leaves.forEach(function (properties) {
      var entry = element("li");
      var link = element("a", null, properties.name);
      link.href = poleUrl(properties.slug);
      entry.appendChild(link);
      if (properties.approximate) entry.appendChild(document.createTextNode(" (" + text("approximateShort") + ")"));
      list.appendChild(entry);
    });
    box.appendChild(list);
    if (item.count > item.leaves.length) box.appendChild(element("p", "popup-note", text("more", item.count - item.leaves.length)));
    return box;
  }

  // The directory map. Its data lives in a worker (poles_map_worker.js), which clusters it with
  // Supercluster; the page draws only what the view shows, asked again after each move.
  function directoryMap(map, container, defaultView) {
    map.scrollWheelZoom.disable();
    var placeState = {};
    var shareView = container.hasAttribute("data-share-view");
    var layer = L.layerGroup().addTo(map);
    var worker = new Worker(container.dataset.worker);
    worker.postMessage({ type: "init", clusterer: container.dataset.clusterer });
    var loadId = 0;
    var loaded = false;
    var viewId = 0;
    var loadedCount = 0;
    var shown = {}; // markers on the map, by pole slug or cluster id
    var fresh = false; // a new selection: the next view replaces every marker
    var drawnLoad = 0;
    // The first view: the shared one, else the poles' bounds written by the server (territory,
    // charter, embed), else the place searched, else France.
    var initialView = shareView ? readView() : null;
    var selectedPole = shareView && new URLSearchParams(window.location.search).get("pole");
    if (initialView) map.setView([initialView[0], initialView[1]], initialView[2]);
    else if (container.dataset.bounds) {
      var b = container.dataset.bounds.split(",").map(parseFloat);
      map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: [20, 20], maxZoom: 11, animate: false });
    }
    var viewSet = Boolean(initialView || container.dataset.bounds);
    if (!showPlace(map, placeState, !viewSet) && !viewSet) {
      map.setView(defaultView.center, defaultView.zoom);
    }

    function requestView() {
      if (!loaded) return;
      var b = map.getBounds();
      worker.postMessage({
        type: "view", load: loadId, view: ++viewId, zoom: map.getZoom(),
        bbox: [Math.max(b.getWest(), -180), Math.max(b.getSouth(), -90),
               Math.min(b.getEast(), 180), Math.min(b.getNorth(), 90)],
      });
    }

    function poleMarker(item) {
      var p = item.pole;
      var marker = L.marker([item.lat, item.lon], {
        icon: p.approximate ? icons.approx : icons.exact,
        title: p.name + (p.approximate ? " (" + text("approximateShort") + ")" : ""),
        keyboard: true,
      });
      marker.bindPopup(function () { return popupContent(p); });
      marker.getPopup().pole = p.slug;
      return marker;
    }

    // A cluster zooms in on a click or Enter; poles that never separate open their list instead.
    function clusterMarker(item) {
      var marker = L.marker([item.lat, item.lon], { icon: clusterIcon(item.count), keyboard: true });
      if (item.leaves) return marker.bindPopup(function () { return leavesContent(item); });
      function zoomIn() {
        map.setView([item.lat, item.lon], Math.min(item.zoom, map.getMaxZoom()));
      }
      marker.on("click", zoomIn);
      marker.on("keypress", function (event) {
        if (event.originalEvent.keyCode === 13) zoomIn();
      });
      return marker;
    }

    // Markers stay in place from one view to the next (their popup and focus with them); only
    // those that leave the view, or a new selection's, are replaced.
    function draw(items) {
      if (fresh) {
        layer.clearLayers();
        shown = {};
        fresh = false;
      }
      var next = {};
      items.forEach(function (item) {
        var key = item.pole ? "p" + item.pole.slug : "c" + item.id;
        var marker = shown[key];
        if (!marker) {
          marker = item.pole ? poleMarker(item) : clusterMarker(item);
          layer.addLayer(marker);
        }
        next[key] = marker;
      });
      var focusLost = false;
      Object.keys(shown).forEach(function (key) {
        if (next[key]) return;
        var icon = shown[key].getElement();
        if (icon && icon.contains(document.activeElement)) focusLost = true;
        layer.removeLayer(shown[key]);
      });
      shown = next;
      // A marker that had the focus went into a cluster: the focus goes back to the map.
      if (focusLost) container.focus();
    }

    // The selected pole of a shared link: its popup, on the map around it.
    function showPole(item) {
      if (!item || !item.pole) return;
      if (!initialView) map.setView([item.lat, item.lon], Math.max(map.getZoom(), 11));
      var popup = L.popup({ offset: [0, -10] }).setLatLng([item.lat, item.lon])
        .setContent(popupContent(item.pole));
      popup.pole = item.pole.slug;
      popup.openOn(map);
    }

    worker.onmessage = function (event) {
      var message = event.data;
      if (message.load !== loadId) return;
      if (message.type === "error") {
        showError(container, true);
      } else if (message.type === "loaded") {
        loaded = true;
        showError(container, false);
        loadedCount = message.count;
        // The pole of a shared link, opened once, with the page's first selection.
        if (selectedPole && loadId === 1) worker.postMessage({ type: "find", load: loadId, slug: selectedPole });
        requestView();
      } else if (message.type === "view") {
        if (message.view !== viewId) return;
        draw(message.items);
        // The first view of each selection: the map is up to date (the count says so to
        // whoever waits for it, the browser tests and benchmarks among them).
        if (drawnLoad !== loadId) {
          drawnLoad = loadId;
          requestAnimationFrame(function () {
            container.setAttribute("data-marker-count", String(loadedCount));
          });
        }
      } else if (message.type === "found") {
        showPole(message.item);
      }
    };
    worker.onerror = function () { showError(container, true); };

    function load(url) {
      loadId += 1;
      loaded = false;
      fresh = true;
      worker.postMessage({
        type: "load", load: loadId, url: new URL(url, window.location.href).href,
        // A radius of twice the icons' size (40 px, in screen pixels of 256-px tiles): icons
        // seldom overlap, each stays a target of its own.
        options: { radius: 80, extent: 256, maxZoom: map.getMaxZoom() - 1 },
      });
    }

    map.on("moveend", requestView);

    // Escape closes the open popup wherever the focus is in the map (Leaflet does it only when
    // the map itself has the focus), and gives the focus back to the marker that opened it.
    var opener = null;
    var openPopup = null;
    map.on("popupopen", function (event) {
      openPopup = event.popup;
      var active = document.activeElement;
      opener = active && container.contains(active) ? active : null;
    });
    map.on("popupclose", function (event) {
      if (openPopup === event.popup) openPopup = null;
    });
    container.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || !openPopup) return;
      map.closePopup(openPopup);
      if (opener && document.body.contains(opener)) opener.focus();
      else container.focus();
      event.stopPropagation();
    });

    // A pole of the list, hovered or focused, stands out on the map when it has its own marker.
    function highlight(event, on) {
      var card = event.target.closest && event.target.closest("[data-pole-list] [data-pole]");
      if (!card) return;
      var marker = shown["p" + card.getAttribute("data-pole")];
      var icon = marker && marker.getElement();
      if (!icon) return;
      icon.classList.toggle("pole-marker--highlight", on);
      marker.setZIndexOffset(on ? 1000 : 0);
    }
    document.addEventListener("mouseover", function (event) { highlight(event, true); });
    document.addEventListener("mouseout", function (event) { highlight(event, false); });
    document.addEventListener("focusin", function (event) { highlight(event, true); });
    document.addEventListener("focusout", function (event) { highlight(event, false); });
    map.on("popupopen", function (event) {
      if (shareView && event.popup.pole) setParam("pole", event.popup.pole);
    });
    map.on("popupclose", function (event) {
      if (shareView && event.popup.pole) setParam("pole", null);
    });
    if (shareView) {
      map.on("moveend", function () {
        var c = map.getCenter();
        setParam("vue", [c.lat.toFixed(4), c.lng.toFixed(4), map.getZoom()].join(","));
      });
    }
    load(container.dataset.geojsonUrl);

    document.addEventListener("directory:updated", function (event) {
      var base = container.dataset.geojsonUrl.split("?")[0];
      container.dataset.geojsonUrl = base + (event.detail.query ? "?" + event.detail.query : "");
      load(container.dataset.geojsonUrl);
      showPlace(map, placeState, true);
    });

    var quickViews = container.parentNode.querySelector("[data-quick-views]");
    if (quickViews) {
      quickViews.hidden = false;
      // The page's own zoom buttons replace Leaflet's, drawn over the markers.
      map.zoomControl.remove();
      map.zoomControl = null;
      quickViews.addEventListener("click", function (event) {
        var zoom = event.target.closest("[data-zoom]");
        if (zoom) map.setZoom(map.getZoom() + parseInt(zoom.dataset.zoom, 10));
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
    var defaultView = event.detail.options.djoptions.defaultView;
    if (container.hasAttribute("data-latitude")) pointMap(map, container);
    else if (container.hasAttribute("data-geojson-url")) directoryMap(map, container, defaultView);
    else if (defaultView) map.setView(defaultView.center, defaultView.zoom);
    // Leaflet's zoom buttons, where the map keeps them, are titled in English: the page's
    // language instead.
    if (map.zoomControl && messages.zoomIn) {
      map.zoomControl.remove();
      map.zoomControl = L.control.zoom({ zoomInTitle: text("zoomIn"), zoomOutTitle: text("zoomOut") }).addTo(map);
    }
  });
})();
