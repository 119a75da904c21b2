// Filters without reloading: the form still works on its own (GET, server-rendered results);
// with JavaScript, a change fetches the same URL's fragment, swaps filters and results,
// tells the map, and records the state in the address bar (back and forward work).
(function () {
  "use strict";

  // Django's JavaScript catalogue (jsi18n) gives gettext in the page's language.
  var gettext = window.gettext || function (text) { return text; };

  var form = document.querySelector("[data-filter-form]");
  var panel = document.querySelector("[data-filter-panel]");
  var results = document.querySelector("[data-results]");
  var status = document.querySelector("[data-result-status]");
  if (!form || !panel || !results || !window.fetch || !window.history.pushState) return;

  var pending = null;
  // The page's own parameters (page, map view, open pole) and the default sort, as the server
  // declares them (poles/filters.py): kept across filter changes, left out of the map's query.
  var VIEW_PARAMS = (form.dataset.viewParameters || "").split(" ").filter(Boolean);
  var KEPT_PARAMS = VIEW_PARAMS.filter(function (key) { return key !== "page"; });
  var DEFAULT_SORT = form.dataset.defaultSort;
  var SORT_PARAM = form.dataset.sortParameter;

  function queryFromForm() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (value !== "" && !(key === SORT_PARAM && value === DEFAULT_SORT)) params.append(key, value);
    });
    return params;
  }

  function update(params, push) {
    if (pending) pending.abort();
    pending = new AbortController();
    var current = new URLSearchParams(window.location.search);
    KEPT_PARAMS.forEach(function (key) {
      if (current.has(key) && !params.has(key)) params.set(key, current.get(key));
    });
    var url = form.action.split("?")[0] + (params.toString() ? "?" + params.toString() : "");
    var focusedId = document.activeElement && document.activeElement.id;
    results.setAttribute("aria-busy", "true");
    return fetch(url, { headers: { "X-Requested-With": "fetch" }, signal: pending.signal })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        panel.replaceChildren.apply(panel, Array.from(doc.querySelector('[data-fragment="filters"]').childNodes));
        results.replaceChildren.apply(results, Array.from(doc.querySelector('[data-fragment="results"]').childNodes));
        if (focusedId) {
          var again = document.getElementById(focusedId);
          if (again) again.focus();
        }
        if (push) window.history.pushState({ query: params.toString() }, "", url);
        // The number of criteria on the filters' button: "Filtres (2)".
        var count = document.querySelector("[data-filter-count]");
        var chips = results.querySelector("[data-chips]");
        if (count) count.textContent = chips ? " (" + chips.getAttribute("data-chips") + ")" : "";
        var heading = results.querySelector("h2");
        if (status && heading) status.textContent = heading.textContent;
        document.title = (heading ? heading.textContent + " — " : "") + gettext("Annuaire des PTCE");
        // The selection as the server validated it: the map shows exactly the listed poles.
        var list = results.querySelector("[data-selection]");
        var query = list ? list.getAttribute("data-selection") : "";
        document.dispatchEvent(new CustomEvent("directory:updated", { detail: { query: query } }));
        // Links to the same selection elsewhere (downloads, feeds) follow it.
        document.querySelectorAll("[data-selection-link]").forEach(function (link) {
          link.href = link.getAttribute("data-selection-link") + (query ? "?" + query : "");
        });
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        // Fall back to a normal page load: the server renders the same state.
        window.location.href = url;
      })
      .finally(function () {
        results.removeAttribute("aria-busy");
      });
  }

  form.addEventListener("change", function (event) {
    // Text fields wait for Enter or the button; the place field has its own script.
    if (event.target.name === "q" || !event.target.name) return;
    update(queryFromForm(), true);
  });
  var details = document.querySelector("[data-filters-details]");
  var narrow = window.matchMedia ? window.matchMedia("(max-width: 48rem)") : null;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    // On a phone the filters fold once applied: the results they give come into view.
    var fold = details && narrow && narrow.matches;
    update(queryFromForm(), true).then(function () {
      if (!fold) return;
      details.open = false;
      results.focus();
    });
  });
  // Pagination and "effacer les filtres" links inside the results stay in place too.
  results.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || link.origin !== window.location.origin) return;
    if (link.pathname !== new URL(form.action).pathname) return;
    event.preventDefault();
    update(new URLSearchParams(link.search), true).then(function () { results.focus(); });
  });
  window.addEventListener("popstate", function () {
    update(new URLSearchParams(window.location.search), false);
  });
})();
