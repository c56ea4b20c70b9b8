// The review bar (templates/admin/review/_review_bar.html): says back the publication time being chosen, in the
// words the admin uses everywhere ("5 December 2026, 09:03 (UTC)"), so a date typed the wrong way round or a
// forgotten time shows before Publish is pressed. The server reads the inputs the same way and refuses the rest.
(function () {
  "use strict";
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  function readDate(value) {
    const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
    if (!match) return null;
    const year = Number(match[1]), month = Number(match[2]), day = Number(match[3]);
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
      return null;
    }
    return day + " " + MONTHS[month - 1] + " " + year;
  }

  function readTime(value) {
    const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value);
    if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) return null;
    return match[1].padStart(2, "0") + ":" + match[2];
  }

  function start() {
    const reading = document.querySelector(".publish-at-reading");
    if (!reading) return;
    const date = document.getElementById("publish-at-date");
    const time = document.getElementById("publish-at-time");

    function update() {
      const day = date.value.trim();
      const hour = time.value.trim();
      if (!day && !hour) {
        reading.textContent = reading.dataset.now;
      } else if (!day || !hour) {
        reading.textContent = reading.dataset.partial;
      } else if (readDate(day) && readTime(hour)) {
        reading.textContent = reading.dataset.when + " " + readDate(day) + ", " + readTime(hour) +
          " (" + reading.dataset.zone + ")";
      } else {
        reading.textContent = reading.dataset.unreadable;
      }
    }

    [date, time].forEach(function (input) {
      input.addEventListener("input", update);
      input.addEventListener("change", update);
    });
    // The admin's calendar and clock fill the inputs by script, which fires no input event: look again after clicks.
    document.addEventListener("click", function () { window.setTimeout(update, 0); });
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
