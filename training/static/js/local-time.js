// Times the server writes in UTC (<time datetime="…" data-local-time>), shown in the reader's own time zone.
// Without JavaScript the UTC time stays, labelled as such.
(function () {
  "use strict";
  function show(element) {
    var when = new Date(element.getAttribute("datetime"));
    if (isNaN(when.getTime())) { return; }
    var options = { hour: "2-digit", minute: "2-digit" };
    if (when.toDateString() !== new Date().toDateString()) {
      options.weekday = "short"; options.day = "numeric"; options.month = "short";
    }
    element.textContent = when.toLocaleString(document.documentElement.lang || undefined, options);
    element.title = when.toISOString().replace("T", " ").slice(0, 16) + " UTC";
  }
  document.querySelectorAll("time[data-local-time]").forEach(show);
}());
