/* Shop pages: scanner and keyboard first. A scanner is a keyboard that types the code and Enter. */
(function () {
  "use strict";

  // Show the refusal reason only for refused lines, and put the cursor in it.
  Array.prototype.forEach.call(document.querySelectorAll(".line-check"), function (fieldset) {
    var reason = fieldset.querySelector("[data-refusal-reason]");
    fieldset.addEventListener("change", function (event) {
      if (!event.target.matches("[data-decision]")) return;
      var refusing = event.target.value === "refuse" && event.target.checked;
      reason.hidden = !refusing;
      if (refusing) reason.querySelector("input").focus();
    });
  });

  // Enter on a radio submits its form (browsers differ).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing) return;
    var el = event.target;
    if (el && el.form && (el.type === "radio" || el.type === "checkbox")) {
      event.preventDefault();
      el.form.requestSubmit();
    }
  });

  // A closed shipment's labels are made in the background: show them as soon as they are ready, no reload needed.
  var pending = document.querySelector("[data-documents-pending]");
  if (pending && window.fetch && window.DOMParser) {
    var attempts = 0;
    var poll = function () {
      attempts += 1;
      fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          var fresh = html && new DOMParser().parseFromString(html, "text/html").querySelector("[data-documents]");
          var current = document.querySelector("[data-documents-pending]");
          if (fresh && current && !fresh.hasAttribute("data-documents-pending")) {
            current.replaceWith(document.importNode(fresh, true));
          } else if (attempts < 100) {
            window.setTimeout(poll, 3000);
          }
        })
        .catch(function () { if (attempts < 100) window.setTimeout(poll, 3000); });
    };
    window.setTimeout(poll, 2000);
  }

  // Closing a shipment is final: ask once.
  Array.prototype.forEach.call(document.querySelectorAll("[data-confirm]"), function (button) {
    button.form.addEventListener("submit", function (event) {
      if (event.submitter === button && !window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });

  // A scan submits once, even if the scanner sends Enter twice.
  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      if (form.dataset.submitted) { event.preventDefault(); return; }
      form.dataset.submitted = "1";
    });
  });

  // Escape clears the focused scan field, so that a bad scan is typed again from scratch.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.target.classList && event.target.classList.contains("scan-input")) {
      event.target.value = "";
    }
  });
})();
