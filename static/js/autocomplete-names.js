// The admin's autocomplete boxes (select2, review/widgets.py) are named by their field's label, as the select
// they stand for is: select2 draws a box that screen readers would announce without a name. Rows added to an
// inline get their boxes later, so new boxes are named as they appear.
(function () {
  "use strict";

  function labelFor(select) {
    const label = select.id && document.querySelector('label[for="' + CSS.escape(select.id) + '"]');
    if (!label) return null;
    if (!label.id) label.id = select.id + "-label";
    return label;
  }

  function name(select) {
    const container = select.nextElementSibling;
    if (!container || !container.classList.contains("select2")) return;
    const label = labelFor(select);
    if (!label) return;
    const box = container.querySelector(".select2-selection[role=combobox]");
    if (box && !box.dataset.named) {
      // The label, then what is chosen (select2's own name for the box), so both are read.
      const chosen = box.getAttribute("aria-labelledby");
      box.setAttribute("aria-labelledby", chosen ? label.id + " " + chosen : label.id);
      box.dataset.named = "true";
      // The text that shows the choice is announced as a read-only field of its own: named by the label too.
      const shown = chosen && document.getElementById(chosen);
      if (shown && shown.getAttribute("role") === "textbox") shown.setAttribute("aria-labelledby", label.id);
    }
    const search = container.querySelector("input.select2-search__field");
    if (search && !search.hasAttribute("aria-labelledby")) search.setAttribute("aria-labelledby", label.id);
  }

  function nameAll() {
    document.querySelectorAll("select.admin-autocomplete").forEach(name);
  }

  function start() {
    nameAll();
    new MutationObserver(function (changes) {
      if (changes.some(function (change) { return change.addedNodes.length; })) nameAll();
    }).observe(document.body, {childList: true, subtree: true});
  }

  // After the admin's autocomplete.js has drawn the boxes (it does so when the page is ready).
  if (window.django && window.django.jQuery) window.django.jQuery(start);
  else document.addEventListener("DOMContentLoaded", start);
})();
