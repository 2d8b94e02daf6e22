/* File inputs in the page's language: the browser's own button and "No file chosen" are in its language, not the
   page's. With this script the input is hidden behind a translated button and the chosen file names are listed;
   without it, the native input shows. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-file-pick]:not([data-file-ready])"), function (box) {
    var input = box.querySelector("input[type=file]");
    var button = box.querySelector(".file-pick__button");
    var names = box.querySelector("[data-file-names]");
    if (!input || !button || !names) return;
    box.setAttribute("data-file-ready", "");
    box.classList.add("file-pick--enhanced");
    button.hidden = false;
    names.hidden = false;
    input.setAttribute("aria-labelledby", box.querySelector(".file-pick__label").id);
    input.addEventListener("change", function () {
      var files = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
      if (!files.length) {
        names.textContent = names.dataset.none;
      } else {
        var head = files.length === 1 ? names.dataset.one : names.dataset.many.replace("{count}", files.length);
        names.textContent = head + " " + files.join(", ");
      }
    });
  });
})();
