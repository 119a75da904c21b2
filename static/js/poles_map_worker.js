// The directory map's data, off the page's main thread: this worker downloads and parses the
// poles' GeoJSON and clusters it with Supercluster, then answers for the view on screen only.
// The page never holds one object per pole, so it stays responsive at any number of poles.
(function () {
  "use strict";

  var index = null;
  var features = [];
  var current = 0; // the latest load: answers to older ones are dropped

  // Poles that stay together at the deepest zoom (same point: a department's chef-lieu) are
  // shown as one list; past this size the list says how many more there are.
  var LEAVES_SHOWN = 50;

  function item(feature) {
    var c = feature.geometry.coordinates;
    var p = feature.properties;
    if (!p.cluster) return { lat: c[1], lon: c[0], pole: p };
    var zoom = index.getClusterExpansionZoom(p.cluster_id);
    var result = { lat: c[1], lon: c[0], id: p.cluster_id, count: p.point_count, zoom: zoom };
    if (zoom > index.options.maxZoom) {
      result.leaves = index.getLeaves(p.cluster_id, LEAVES_SHOWN).map(function (leaf) {
        return leaf.properties;
      });
    }
    return result;
  }

  var handlers = {
    load: function (message) {
      var load = (current = message.load);
      fetch(message.url, { headers: { Accept: "application/geo+json" } })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (collection) {
          if (load !== current) return;
          features = collection.features;
          index = new self.Supercluster(message.options).load(features);
          self.postMessage({ type: "loaded", load: load, count: features.length });
        })
        .catch(function (error) {
          if (load === current) self.postMessage({ type: "error", load: load, error: String(error) });
        });
    },
    view: function (message) {
      if (!index || message.load !== current) return;
      var items = index.getClusters(message.bbox, message.zoom).map(item);
      self.postMessage({ type: "view", load: current, view: message.view, items: items });
    },
    find: function (message) {
      if (!index || message.load !== current) return;
      // Asked once per page (the pole of a shared link): a search, not an index kept up.
      var feature = features.find(function (f) { return f.properties.slug === message.slug; });
      self.postMessage({ type: "found", load: current, slug: message.slug,
                         item: feature ? item(feature) : null });
    },
  };

  self.onmessage = function (event) {
    var message = event.data;
    if (message.type === "init") {
      importScripts(message.clusterer);
      return;
    }
    handlers[message.type](message);
  };
})();
