// A "Copy" button beside every secret link the page shows once (invitation links). Without JavaScript the
// link stays selectable text, as before.
(function () {
  "use strict";
  var copyable = document.querySelectorAll(".copyable");
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  if (copyable.length === 0) { return; }
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  function textOf(element) { return element.value !== undefined ? element.value : element.textContent; }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "visually-hidden";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    document.body.removeChild(area);
    return done ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  copyable.forEach(function (element) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy " + (element.getAttribute("data-copy-label") || "the link"));
    button.addEventListener("click", function () {
      var text = textOf(element).trim();
      var copying = navigator.clipboard ? navigator.clipboard.writeText(text).catch(function () {
        return fallbackCopy(text);
      }) : fallbackCopy(text);
      copying.then(function () {
        button.textContent = "Copied";
        status.textContent = "Copied to the clipboard.";
        window.setTimeout(function () { button.textContent = "Copy"; }, 3000);
      }, function () {
        status.textContent = "Could not copy: select the link and copy it by hand.";
      });
    });
    element.insertAdjacentElement("afterend", button);
  });
}());
