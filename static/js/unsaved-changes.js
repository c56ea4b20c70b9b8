// Warn before leaving an editing form with changes that are not saved (templates/admin/review/change_form.html).
(function () {
  "use strict";
  const marker = document.getElementById("unsaved-changes");
  if (!marker) return;
  const form = marker.closest("form");
  let dirty = marker.dataset.dirty === "true";  // a refused save: what is on screen is not saved
  let leaving = false;
  const markDirty = function () { dirty = true; };

  form.addEventListener("input", markDirty);
  form.addEventListener("change", markDirty);
  // Saving (from any button, including ones outside the form that submit it) is not losing work.
  form.addEventListener("submit", function () { leaving = true; });

  // The rich-text editor edits inside an iframe and reports changes through its own events.
  function watchEditors() {
    if (!window.CKEDITOR) return;
    const watch = function (editor) { editor.on("change", markDirty); };
    Object.keys(window.CKEDITOR.instances).forEach(function (name) {
      const editor = window.CKEDITOR.instances[name];
      if (editor.status === "ready") watch(editor);
      else editor.on("instanceReady", function () { watch(editor); });
    });
    window.CKEDITOR.on("instanceReady", function (event) { watch(event.editor); });
  }
  if (document.readyState === "complete") watchEditors();
  else window.addEventListener("load", watchEditors);

  window.addEventListener("beforeunload", function (event) {
    if (!dirty || leaving) return;
    event.preventDefault();
    event.returnValue = marker.dataset.message;  // older browsers show it; newer ones show their own words
    return marker.dataset.message;
  });
})();
