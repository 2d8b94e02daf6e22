/* Customer portal: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");

  // Move focus to the error summary (or the confirmation heading) so screen readers announce it first.
  var summary = doc.querySelector("[data-error-summary]") || doc.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }

  // Reasons: say when the chosen reason needs a photo; preview chosen files before upload.
  doc.querySelectorAll("[data-reason-block]").forEach(function (block) {
    var ids = (block.getAttribute("data-photo-reasons") || "").split(",").filter(Boolean);
    var select = block.querySelector("select");
    var flag = block.querySelector("[data-photo-required]");
    function update() { if (select && flag) { flag.hidden = ids.indexOf(select.value) === -1; } }
    if (select) { select.addEventListener("change", update); update(); }
  });
  doc.querySelectorAll("input[type=file][data-preview]").forEach(function (input) {
    var list = doc.getElementById(input.getAttribute("data-preview"));
    input.addEventListener("change", function () {
      list.innerHTML = "";
      Array.prototype.forEach.call(input.files || [], function (file) {
        var item = doc.createElement("li");
        item.className = "thumb";
        var isHeic = /\.hei[cf]$/i.test(file.name) || /hei[cf]/.test(file.type);
        if (!isHeic && /^image\//.test(file.type) && window.URL) {
          var img = doc.createElement("img");
          img.src = URL.createObjectURL(file);
          img.alt = file.name;
          img.onload = function () { URL.revokeObjectURL(img.src); };
          item.appendChild(img);
        } else {
          var box = doc.createElement("span");
          box.className = "thumb__placeholder";
          box.textContent = isHeic ? "HEIC" : "?";
          item.appendChild(box);
        }
        var name = doc.createElement("span");
        name.className = "thumb__name";
        name.textContent = file.name;
        item.appendChild(name);
        list.appendChild(item);
      });
    });
  });

  // Resolution: the exchange choices only matter for an exchange.
  var exchange = doc.querySelector("[data-exchange-block]");
  var radios = doc.querySelectorAll("input[data-resolution]");
  function syncExchange() {
    var chosen = doc.querySelector("input[data-resolution]:checked");
    if (exchange) { exchange.hidden = !chosen || chosen.value !== "exchange"; }
  }
  radios.forEach(function (radio) { radio.addEventListener("change", syncExchange); });
  syncExchange();

  // Drop-off: choosing a pickup date or slot chooses home pickup.
  doc.querySelectorAll("[data-pickup]").forEach(function (pickup) {
    var radio = pickup.parentNode.querySelector("input.option__radio");
    pickup.addEventListener("change", function () { if (radio) { radio.checked = true; } });
  });

  // Confirmation and tracking: wait for the label, then show it.
  var box = doc.querySelector("[data-label-box][data-poll]");
  if (box && window.fetch) {
    var url = box.getAttribute("data-status-url");
    var started = Date.now();
    var tick = function () {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (data && data.label !== "pending") { window.location.reload(); return; }
          if (Date.now() - started < 10 * 60 * 1000) { setTimeout(tick, 2500); }
        })
        .catch(function () { setTimeout(tick, 5000); });
    };
    setTimeout(tick, 1500);
  }
})();
