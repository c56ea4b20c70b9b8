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

  // The rich-text editor edits inside an iframe: ask it whether its text changed since it was ready
  // (it tidies the HTML it loads, so "since loading" would always be true).
  function editors() {
    return window.CKEDITOR ? Object.values(window.CKEDITOR.instances) : [];
  }
  function watchEditors() {
    if (!window.CKEDITOR) return;
    const watch = function (editor) {
      if (editor.__unsavedWatch) return;
      editor.__unsavedWatch = true;
      editor.resetDirty();
      editor.on("change", function () { if (editor.checkDirty()) markDirty(); });
    };
    editors().forEach(function (editor) {
      if (editor.status === "ready") watch(editor);
      else editor.on("instanceReady", function () { watch(editor); });
    });
    window.CKEDITOR.on("instanceReady", function (event) { watch(event.editor); });
  }
  if (document.readyState === "complete") watchEditors();
  else window.addEventListener("load", watchEditors);

  function unsaved() {
    return dirty || editors().some(function (editor) { return editor.__unsavedWatch && editor.checkDirty(); });
  }

  window.addEventListener("beforeunload", function (event) {
    if (leaving || !unsaved()) return;
    event.preventDefault();
    event.returnValue = marker.dataset.message;  // older browsers show it; newer ones show their own words
    return marker.dataset.message;
  });
})();
