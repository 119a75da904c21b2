// "Intégrer la carte": the preview and the code follow the choices as they are made, and a
// button copies the code. Without JavaScript, the form's button does the same through the server.
(function () {
  "use strict";
  var form = document.querySelector("[data-embed-form]");
  var code = document.querySelector("[data-embed-code]");
  var preview = document.querySelector("[data-embed-preview]");
  if (!form || !code || !preview) return;

  var embedPath = new URL(preview.src, window.location.href).pathname;

  function update() {
    var params = new URLSearchParams();
    var height = "550";
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || !field.value) return;
      if (field.name === "hauteur") height = field.value;
      else params.append(field.name, field.value);
    });
    var query = params.toString();
    var path = embedPath + (query ? "?" + query : "");
    var absolute = new URL(path, window.location.href).href;
    preview.src = path;
    preview.height = height;
    code.value = code.value
      .replace(/src="[^"]*"/, 'src="' + absolute + '"')
      .replace(/height="\d+"/, 'height="' + height + '"');
    window.history.replaceState(null, "", "?" + new URLSearchParams(new FormData(form)).toString());
  }

  form.addEventListener("change", update);

  var copy = document.querySelector("[data-copy-code]");
  var status = document.querySelector("[data-copy-status]");
  if (copy && navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(code.value).then(function () {
        status.textContent = copy.dataset.copied || "";
      });
    });
  }
})();
