// The reviewer's desk (templates/admin/review/_desk.html): the reader frame as tall as the page it shows, its
// links kept out of the frame and, on a form that can be edited, the frame following the form as the editor
// types (posted to the frame's own address, which validates and renders the form but saves nothing).
(function () {
  "use strict";
  const frame = document.getElementById("reader-frame");
  if (!frame) return;
  const desk = frame.closest("details");
  const WAIT = 600;  // milliseconds of quiet typing before the preview follows

  let loaded = false;
  let whenLoaded = null;  // what to do once the frame has loaded

  function page() {
    return frame.contentDocument;
  }

  // The frame takes the height of the page inside it, so only the admin page scrolls.
  function fit() {
    const doc = page();
    if (!doc || !doc.body) return;
    const bottom = doc.body.getBoundingClientRect().bottom + doc.defaultView.scrollY;
    frame.style.height = Math.ceil(bottom) + 24 + "px";
  }

  // A link to another page opens in a new tab (the frame's <base target>); one within the page scrolls to its
  // target, which is in the admin page's scroll, not the frame's.
  function followInPageLinks(event) {
    const link = event.target.closest && event.target.closest("a[href^='#']");
    if (!link) return;
    event.preventDefault();
    const target = page().getElementById(decodeURIComponent(link.hash.slice(1)));
    if (target) target.scrollIntoView({block: "start"});
  }

  function ready() {
    const doc = page();
    if (loaded || !doc || doc.URL === "about:blank") return;
    loaded = true;
    frame.classList.add("is-sized");
    doc.addEventListener("click", followInPageLinks);
    new doc.defaultView.ResizeObserver(fit).observe(doc.body);
    fit();
    if (whenLoaded) whenLoaded();
  }
  frame.addEventListener("load", ready);
  if (page() && page().readyState === "complete") ready();  // loaded before this script ran

  // --- Live preview -------------------------------------------------------------------------------------
  const form = frame.dataset.form && document.getElementById(frame.dataset.form);
  const status = document.getElementById("live-preview-status");
  if (!form || !status) return;

  let timer = null;
  let busy = false;  // one preview at a time: the next one starts when this one is shown
  let waiting = false;  // changes the preview has not shown yet

  // The status line above the frame: what the frame shows, and anything that stops it following the form.
  function say(text, items, problem) {
    status.classList.remove("is-updating");
    const said = JSON.stringify([text, items || [], Boolean(problem)]);
    if (status.dataset.said === said) return;  // a screen reader hears a change, not every keystroke's pause
    status.dataset.said = said;
    const paragraph = document.createElement("p");
    paragraph.textContent = text;
    const parts = [paragraph];
    if (items && items.length) {
      const list = document.createElement("ul");
      items.forEach(function (item) {
        const line = document.createElement("li");
        line.textContent = item;
        list.append(line);
      });
      parts.push(list);
    }
    status.replaceChildren.apply(status, parts);
    status.classList.toggle("has-problems", Boolean(problem));
  }

  function texts(doc, selector) {
    return Array.from(doc.querySelectorAll(selector)).map(function (item) { return item.textContent.trim(); });
  }

  function show(fresh) {
    const doc = page();
    doc.querySelector("main").replaceWith(doc.importNode(fresh.querySelector("main"), true));
    fit();
    say(status.dataset.showing, texts(fresh, "#preview-notes li"));
  }

  // What the form holds now: the rich-text editors' text too (read from them, their text boxes are left alone),
  // but no chosen file, which is only sent when the editor saves.
  function formData() {
    const data = new FormData(form);
    Array.from(data.entries()).forEach(function (entry) {
      if (entry[1] instanceof File) data.delete(entry[0]);
    });
    if (window.CKEDITOR) {
      Object.values(window.CKEDITOR.instances).forEach(function (editor) {
        const box = editor.element && editor.element.$;
        if (box && box.form === form && box.name) data.set(box.name, editor.getData());
      });
    }
    return data;
  }

  function refresh() {
    timer = null;
    if (!desk.open) return;  // shown when the desk opens
    if (!loaded) {
      whenLoaded = refresh;
      return;
    }
    if (busy) return;
    waiting = false;
    busy = true;
    status.classList.add("is-updating");
    fetch(frame.getAttribute("src"), {method: "POST", body: formData(), credentials: "same-origin"})
      .then(function (response) {
        return response.text().then(function (html) {
          const fresh = new DOMParser().parseFromString(html, "text/html");
          if (response.ok && fresh.querySelector("main")) {
            show(fresh);
          } else if (fresh.getElementById("preview-errors")) {
            say(fresh.querySelector("#preview-errors h1").textContent.trim(), texts(fresh, "#preview-errors li"), true);
          } else {
            say(status.dataset.failed.replace("%(status)s", response.status), [], true);
          }
        });
      })
      .catch(function () {
        say(status.dataset.offline, [], true);
      })
      .finally(function () {
        busy = false;
        if (waiting) changed();
      });
  }

  function changed() {
    waiting = true;
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, WAIT);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // The admin's autocomplete boxes tell jQuery, not the page, when their choice changes.
  if (window.django && window.django.jQuery) window.django.jQuery(form).on("change", "select", changed);
  desk.addEventListener("toggle", function () {
    if (desk.open && waiting) refresh();
  });

  function watchEditors() {
    if (!window.CKEDITOR) return;
    // The editor tidies the text it loads and says so: only a change to what it holds counts.
    const watch = function (editor) {
      if (editor.__livePreview !== undefined) return;
      editor.__livePreview = editor.getData();
      editor.on("change", function () {
        const text = editor.getData();
        if (text === editor.__livePreview) return;
        editor.__livePreview = text;
        changed();
      });
    };
    Object.values(window.CKEDITOR.instances).forEach(function (editor) {
      if (editor.status === "ready") watch(editor);
    });
    window.CKEDITOR.on("instanceReady", function (event) { watch(event.editor); });
  }
  if (document.readyState === "complete") watchEditors();
  else window.addEventListener("load", watchEditors);
})();
