// "Où ?": suggestions as one types (ARIA combobox with a listbox), and "Autour de moi".
// Without JavaScript the field is a plain input of the GET form: the server resolves the text
// and lists homonyms. With it, choosing a suggestion sets the hidden `lieu` field (the place's
// official code) and submits the form, which directory_filters.js sends without reloading.
(function () {
  "use strict";

  var box = document.querySelector("[data-place-search]");
  if (!box || !window.fetch) return;
  var form = box.closest("form");
  var input = box.querySelector("[data-place-input]");
  var listbox = box.querySelector("[data-place-listbox]");
  var status = box.querySelector("[data-around-me-status]");
  var aroundMe = box.querySelector("[data-around-me]");
  var url = box.dataset.suggestionsUrl;
  var messages = JSON.parse(document.getElementById("place-messages").textContent);
  var places = [];
  var active = -1;
  var pending = null;
  var timer = null;

  // With JavaScript the typed text never travels in the link: the chosen place's code does.
  input.removeAttribute("name");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", listbox.id);

  function placeField() {
    var field = form.querySelector("[data-place-key]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "lieu";
      field.setAttribute("data-place-key", "");
      box.appendChild(field);
    }
    return field;
  }

  function close() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function render() {
    listbox.replaceChildren();
    places.forEach(function (place, index) {
      var option = document.createElement("li");
      option.id = "lieu-option-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", index === active ? "true" : "false");
      option.textContent = place.label;
      var kind = document.createElement("span");
      kind.className = "suggestion-kind";
      kind.textContent = " · " + (messages.kinds[place.kind] || place.kind);
      option.appendChild(kind);
      option.addEventListener("mousedown", function (event) {
        event.preventDefault(); // keep the focus in the field
        choose(index);
      });
      listbox.appendChild(option);
    });
    var open = places.length > 0;
    listbox.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (active >= 0) input.setAttribute("aria-activedescendant", "lieu-option-" + active);
    else input.removeAttribute("aria-activedescendant");
    if (status) {
      status.textContent = input.value.trim().length >= 2
        ? (places.length ? messages.count.replace("%(count)s", places.length) : messages.none)
        : "";
    }
  }

  function suggest() {
    var text = input.value.trim();
    if (pending) pending.abort();
    if (text.length < 2) { places = []; render(); return; }
    pending = new AbortController();
    fetch(url + "?q=" + encodeURIComponent(text), { signal: pending.signal })
      .then(function (response) { return response.ok ? response.json() : { places: [] }; })
      .then(function (data) { places = data.places; active = -1; render(); })
      .catch(function () { /* aborted or offline: the GET form still works */ });
  }

  function choose(index) {
    var place = places[index];
    if (!place) return;
    input.value = place.label;
    placeField().value = place.key;
    close();
    form.requestSubmit();
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    var field = form.querySelector("[data-place-key]");
    if (!input.value.trim() && field && field.value) {
      field.value = ""; // the place is taken away
      close();
      form.requestSubmit();
      return;
    }
    timer = setTimeout(suggest, 150);
  });

  // The filters changed without reloading (a cleared selection, back and forward): the field
  // shows the place the results are for.
  document.addEventListener("directory:updated", function (event) {
    var key = new URLSearchParams(event.detail.query).get("lieu") || "";
    var list = document.querySelector("[data-pole-list]");
    var field = form.querySelector("[data-place-key]");
    if (field) field.value = key;
    else if (key) placeField().value = key;
    if (!key) input.value = "";
    else if (list && list.dataset.placeLabel) input.value = list.dataset.placeLabel;
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!places.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + places.length) % places.length;
      render();
    } else if (event.key === "Enter") {
      if (places.length && !listbox.hidden) {
        event.preventDefault();
        choose(active >= 0 ? active : 0);
      }
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", function () { setTimeout(close, 100); });

  if (aroundMe && navigator.geolocation) {
    aroundMe.hidden = false;
    aroundMe.addEventListener("click", function () {
      status.textContent = messages.locating;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          var lat = position.coords.latitude.toFixed(3);
          var lon = position.coords.longitude.toFixed(3);
          input.value = messages.myPosition;
          placeField().value = "point:" + lat + "," + lon;
          status.textContent = "";
          form.requestSubmit();
        },
        function (error) {
          status.textContent = error.code === error.PERMISSION_DENIED
            ? messages.denied : messages.unavailable;
        },
        { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
      );
    });
  }
})();
