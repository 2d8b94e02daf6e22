/* Warehouse pages: scanner and keyboard first. A scanner is a keyboard that types the code and Enter. */
(function () {
  "use strict";

  function typing(target) {
    if (!target) return false;
    var tag = target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return target.isContentEditable;
    return !/^(radio|checkbox|submit|button|file)$/i.test(target.type);
  }

  function focusables(form) {
    return Array.prototype.filter.call(
      form.querySelectorAll("input, select, textarea, button"),
      function (el) { return !el.disabled && el.type !== "hidden" && el.offsetParent !== null; }
    );
  }

  // Enter: submit from radios and checkboxes (browsers differ); move on from fields marked data-enter="next"
  // (a serial number scanned with its Enter must not submit a half-filled form); Ctrl+Enter submits from a textarea.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.isComposing) return;
    var el = event.target;
    var form = el && el.form;
    if (!form) return;
    if (el.dataset && el.dataset.enter === "next") {
      event.preventDefault();
      var list = focusables(form);
      var next = list[list.indexOf(el) + 1];
      if (next) next.focus();
      return;
    }
    if (el.tagName === "TEXTAREA") {
      if (event.ctrlKey || event.metaKey) { event.preventDefault(); form.requestSubmit(); }
      return;
    }
    if (el.type === "radio" || el.type === "checkbox") {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // A letter picks a grade, a digit picks a disposition (when not typing in a text field).
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    var key = (event.key || "").toLowerCase();
    if (key.length !== 1) return;
    var option = document.querySelector('[data-grades] [data-key="' + key + '"] input, ' +
      '[data-disposition-form] [data-key="' + key + '"] input');
    if (!option) return;
    event.preventDefault();
    option.checked = true;
    option.focus();
    // After the focus: the disposition form may move it on to the field the operator must fill.
    option.dispatchEvent(new Event("change", { bubbles: true }));
  });

  // The disposition form shows the override reason only when the suggestion is not followed, and the
  // derogation only for "destroy"; focus goes where the operator must type.
  var disposition = document.querySelector("[data-disposition-form]");
  if (disposition) {
    var suggested = disposition.dataset.suggested;
    var destroy = disposition.dataset.destroy;
    var reason = disposition.querySelector("[data-override-reason]");
    var derogation = disposition.querySelector("[data-derogation]");
    var update = function (moveFocus) {
      var checked = disposition.querySelector('input[name="kind"]:checked');
      var kind = checked ? checked.value : "";
      var overriding = Boolean(suggested) && kind !== suggested;
      reason.hidden = !overriding;
      derogation.hidden = kind !== destroy;
      if (!moveFocus) return;
      if (overriding) reason.querySelector("input").focus();
      else if (kind === destroy) derogation.querySelector("select").focus();
    };
    disposition.addEventListener("change", function (event) {
      if (event.target.name === "kind") update(true);
    });
    update(false);
  }

  // Counting a carton: the quantity field selects its value on focus, so that typing replaces it; a quantity
  // typed in the code field as "3*" moves to the quantity field.
  var countForm = document.querySelector("[data-count-form]");
  if (countForm) {
    var quantity = countForm.querySelector('input[name="quantity"]');
    var code = countForm.querySelector('input[name="code"]');
    if (quantity) quantity.addEventListener("focus", function () { quantity.select(); });
    if (quantity && code) {
      code.addEventListener("input", function () {
        var match = /^(\d{1,4})\*$/.exec(code.value);
        if (!match) return;
        quantity.value = match[1];
        code.value = "";
      });
    }
  }

  // A scan submits once, even if the scanner sends Enter twice.
  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted) { event.preventDefault(); return; }
      form.dataset.submitted = "1";
    });
  });
})();
