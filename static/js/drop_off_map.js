/* Drop-off step: the filters by kind apply without a reload, a phone first sees the nearest few options, and the map
   (Leaflet, served from our own static files) is linked to the list: a pin and its row are the same choice, and focus
   follows the choice into the list.
   Every part is optional: without this file the filters submit their form and every option is listed, and without
   Leaflet the page is its list. */
(function () {
  "use strict";
  var doc = document;
  var root = doc.querySelector("[data-drop-off]");
  if (!root) { return; }
  var rows = Array.prototype.slice.call(root.querySelectorAll("[data-option]"));
  var filterForm = root.querySelector("[data-kind-filter]");
  var status = root.querySelector("[data-filter-status]");
  var moreButton = root.querySelector("[data-show-more]");
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  // On a phone the list starts with the nearest few options; "Show all" or a filter by kind shows the rest.
  var phone = window.matchMedia && window.matchMedia("(max-width: 760px)").matches;
  var FIRST_SHOWN = 6;
  var collapsed = phone;
  var L = window.L;
  var map = null;
  var pins = null;          // the layer of the points' markers
  var you = null;           // the customer's marker
  var markers = {};         // option value -> marker

  function radioOf(row) { return row.querySelector("input.option__radio"); }

  function chosenKind() {
    var checked = filterForm && filterForm.querySelector("input[name=kind]:checked");
    return checked ? checked.value : "all";
  }

  // ---- Filters by kind: hide the other kinds' rows and pins, never the place already chosen.
  function applyFilter(announce) {
    var kind = chosenKind();
    var limit = kind === "all" && collapsed ? FIRST_SHOWN : Infinity;
    var matching = 0;
    rows.forEach(function (row) {
      var radio = radioOf(row);
      var match = kind === "all" || row.getAttribute("data-kind") === kind;
      if (match) { matching += 1; }
      row.hidden = !(radio.checked || (match && matching <= limit));
      var marker = markers[radio.value];
      if (marker && pins) {
        if (match || radio.checked) { pins.addLayer(marker); } else { pins.removeLayer(marker); }
      }
    });
    if (moreButton) { moreButton.hidden = !(matching > limit); }
    if (announce && status) {
      var checked = filterForm.querySelector("input[name=kind]:checked");
      status.textContent = checked ? checked.getAttribute("data-announce") : "";
    }
    if (announce && window.history && window.history.replaceState && window.URL) {
      var url = new URL(window.location.href);
      if (kind === "all") { url.searchParams.delete("kind"); } else { url.searchParams.set("kind", kind); }
      window.history.replaceState(window.history.state, "", url.toString());
    }
    if (map) { sizeMap(); fitToShown(); }
  }
  if (filterForm) {
    filterForm.addEventListener("change", function () { applyFilter(true); });
    filterForm.addEventListener("submit", function (event) { event.preventDefault(); applyFilter(true); });
  }
  if (moreButton) {
    moreButton.addEventListener("click", function () {
      var firstHidden = rows.filter(function (row) { return row.hidden; })[0];
      collapsed = false;
      applyFilter(false);
      if (firstHidden && !firstHidden.hidden) { radioOf(firstHidden).focus(); }
    });
  }

  function choose(row) {
    var radio = radioOf(row);
    row.hidden = false;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    row.scrollIntoView({ block: "nearest", behavior: reduceMotion ? "auto" : "smooth" });
    radio.focus({ preventScroll: true });
  }

  function hover(row, on) {
    row.classList.toggle("is-hover", on);
    var marker = markers[radioOf(row).value];
    var element = marker && marker.getElement();
    if (element) { element.classList.toggle("is-hover", on); }
  }

  function syncChosen() {
    rows.forEach(function (row) {
      var radio = radioOf(row);
      var marker = markers[radio.value];
      if (!marker) { return; }
      marker.setZIndexOffset(radio.checked ? 1000 : 0);
      var element = marker.getElement();
      if (element) {
        element.classList.toggle("is-selected", radio.checked);
        element.setAttribute("aria-pressed", radio.checked ? "true" : "false");
      }
    });
    var home = root.querySelector("input.option__radio[value=home_pickup]");
    var youElement = you && you.getElement();
    if (youElement) { youElement.classList.toggle("is-selected", Boolean(home && home.checked)); }
  }

  // Side by side, a short list gets a map no taller than itself (and never under 320 px); a phone's map keeps its CSS height.
  function sizeMap() {
    var canvas = root.querySelector("[data-map-canvas]");
    var list = root.querySelector(".drop__list");
    canvas.style.height = "";
    if (window.matchMedia && window.matchMedia("(min-width: 880px)").matches) {
      var natural = canvas.getBoundingClientRect().height;
      var wanted = Math.max(320, Math.min(natural, list.getBoundingClientRect().height));
      if (wanted < natural) { canvas.style.height = wanted + "px"; }
    }
    map.invalidateSize({ animate: false });
  }

  function fitToShown() {
    var here = you.getLatLng();
    var bounds = L.latLngBounds([here, here]);
    // Framed on the rows in view (a phone's first few), the other pins of the kind around them.
    rows.forEach(function (row) {
      var marker = markers[radioOf(row).value];
      if (marker && !row.hidden) { bounds.extend(marker.getLatLng()); }
    });
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
      map.setView(here, 14, { animate: false });
    } else {
      map.fitBounds(bounds, { padding: [36, 36], maxZoom: 16, animate: false });
    }
  }

  // ---- The map: only when Leaflet loaded and the page knows where the customer is.
  function mapStart(box) {
    var here = [parseFloat(box.getAttribute("data-lat")), parseFloat(box.getAttribute("data-lon"))];
    if (isNaN(here[0]) || isNaN(here[1])) { return; }
    var tileUrl = box.getAttribute("data-tile-url") || "";
    box.hidden = false;
    root.querySelector("[data-drop-layout]").classList.add("has-map");
    var canvas = box.querySelector("[data-map-canvas]");

    map = L.map(canvas, {
      // The page scrolls, not the map: no zoom on the wheel, and one finger scrolls the page on a phone.
      scrollWheelZoom: false,
      dragging: !L.Browser.mobile,
      // The pins and the zoom buttons are the keyboard's way in; the list is the main way.
      keyboard: false,
      zoomSnap: 0.25,
      attributionControl: Boolean(tileUrl),
      zoomControl: false
    }).setView(here, 14);
    L.control.zoom({
      position: "topright",
      zoomInTitle: box.getAttribute("data-zoom-in") || "+",
      zoomOutTitle: box.getAttribute("data-zoom-out") || "-"
    }).addTo(map);
    L.control.scale({ imperial: false }).addTo(map);
    if (tileUrl) {
      L.tileLayer(tileUrl, {
        attribution: box.getAttribute("data-tile-attribution") || "",
        maxZoom: parseInt(box.getAttribute("data-tile-max-zoom"), 10) || 19,
        // Tile servers ask who uses them (the site's origin); the page's own address is not sent.
        referrerPolicy: "strict-origin-when-cross-origin"
      }).addTo(map);
    } else {
      canvas.classList.add("is-plain");
    }

    you = L.marker(here, {
      icon: L.divIcon({ className: "map-pin map-pin--you", html: '<span class="pin pin--home"></span>', iconSize: [26, 26], iconAnchor: [13, 13] }),
      keyboard: false,
      interactive: false,
      zIndexOffset: -500
    }).addTo(map);
    you.getElement().setAttribute("aria-hidden", "true");
    pins = L.layerGroup().addTo(map);

    var farthestKm = 0;
    rows.forEach(function (row) {
      var radio = radioOf(row);
      var lat = parseFloat(row.getAttribute("data-lat"));
      var lon = parseFloat(row.getAttribute("data-lon"));
      if (isNaN(lat) || isNaN(lon)) { return; }
      var kind = row.getAttribute("data-kind");
      var label = row.getAttribute("data-map-label") || "";
      var marker = L.marker([lat, lon], {
        icon: L.divIcon({
          className: "map-pin map-pin--" + kind,
          html: '<span class="pin pin--' + kind + '">' + row.getAttribute("data-number") + "</span>",
          iconSize: [30, 30],
          iconAnchor: [15, 15]
        }),
        keyboard: true,
        riseOnHover: true
      });
      marker.bindTooltip(row.getAttribute("data-name") || "", { direction: "top", offset: [0, -14] });
      // Leaflet makes a new element each time a pin comes back after a filter: label it each time.
      marker.on("add", function () {
        var element = marker.getElement();
        element.setAttribute("aria-label", label);
        element.setAttribute("aria-pressed", radio.checked ? "true" : "false");
        element.classList.toggle("is-selected", radio.checked);
        element.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            choose(row);
          }
        });
      });
      // The tooltip repeats the name the label already gives: a screen reader hears it once.
      marker.on("tooltipopen", function () { marker.getElement().removeAttribute("aria-describedby"); });
      marker.on("click", function () { choose(row); });
      marker.on("mouseover", function () { row.classList.add("is-hover"); });
      marker.on("mouseout", function () { row.classList.remove("is-hover"); });
      markers[radio.value] = marker;
      farthestKm = Math.max(farthestKm, map.distance(here, [lat, lon]) / 1000);
    });
    if (!tileUrl) { drawRings(here, farthestKm); }

    root.addEventListener("change", function (event) {
      var target = event.target;
      if (!target.classList || !target.classList.contains("option__radio")) { return; }
      syncChosen();
      var marker = markers[target.value];
      if (marker && map.hasLayer(marker)) {
        map.panInside(marker.getLatLng(), { padding: [40, 40], animate: !reduceMotion });
      }
    });
    // Some browsers sized the map while it was hidden: measure again once laid out.
    window.setTimeout(function () { sizeMap(); fitToShown(); }, 0);
  }

  // Without tiles, rings around the customer give the map its scale.
  function drawRings(here, farthestKm) {
    var steps = [0.5, 1, 2, 5, 10, 20, 50];
    var rings = steps.filter(function (km) { return km <= Math.max(farthestKm * 1.1, 0.5); }).slice(-3);
    rings.forEach(function (km) {
      L.circle(here, { radius: km * 1000, color: "#1f4e5f", weight: 1, opacity: 0.35, fill: false, interactive: false, dashArray: "4 4" }).addTo(map);
      L.marker([here[0] + km / 111.2, here[1]], {
        icon: L.divIcon({ className: "map-ring-label", html: km < 1 ? km * 1000 + " m" : km + " km", iconSize: [48, 14], iconAnchor: [24, 16] }),
        interactive: false,
        keyboard: false
      }).addTo(map).getElement().setAttribute("aria-hidden", "true");
    });
  }

  rows.forEach(function (row) {
    row.addEventListener("mouseenter", function () { hover(row, true); });
    row.addEventListener("mouseleave", function () { hover(row, false); });
  });
  var box = root.querySelector("[data-map]");
  if (box && L) { mapStart(box); }
  applyFilter(false);
  if (map) { syncChosen(); }
})();
