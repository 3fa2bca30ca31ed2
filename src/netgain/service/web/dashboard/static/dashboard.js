/* netgain dashboard: the only script of the pages (served from this package, never a CDN).
 * It records page errors into the DOM (data-errors) and marks the page ready (data-ready), so a
 * headless-browser test can assert the page ran clean; the pages work without it. */
(function () {
  "use strict";
  var root = document.documentElement;
  var errors = 0;
  window.addEventListener("error", function () {
    errors += 1;
    root.setAttribute("data-errors", String(errors));
  });
  function ready() {
    var range = document.getElementById("filter-range");
    var custom = document.getElementById("custom-range");
    if (range && custom) {
      var sync = function () { custom.hidden = range.value !== "custom"; };
      range.addEventListener("change", sync);
      sync();
    }
    root.setAttribute("data-ready", "1");
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
