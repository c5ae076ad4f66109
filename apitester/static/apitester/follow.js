// The test page's followed call request: its timeline moves as the target's phone acts, without a reload.
// Without this file the timeline shows the state when the page was made, and Refresh (a plain link) updates it.
(function () {
  "use strict";
  var resultArea = document.getElementById("tester-result");
  if (!resultArea || !window.fetch) return;
  var EVERY_MS = 1000;
  var AFTER_ERROR_MS = 5000;
  var AFTER_EXPIRY_MS = 60000; // the periodic job marks it expired soon after: then nothing changes any more
  var timer = null;

  function follow() {
    clearTimeout(timer);
    var section = document.getElementById("followed");
    if (!section || section.getAttribute("data-open") !== "true") return;
    var url = section.getAttribute("data-state-url");

    function current() {
      return document.getElementById("followed") === section; // not replaced by another send's result
    }

    function poll() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (response.status === 404) return null; // no longer this visitor's to follow (the session ended)
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (!data || !current()) return;
          if (section.getAttribute("data-state") !== data.state || !data.open) {
            document.getElementById("followed-timeline").innerHTML = data.timeline;
          }
          section.setAttribute("data-state", data.state);
          section.setAttribute("data-open", data.open ? "true" : "false");
          if (data.open && Date.now() < Date.parse(data.expires_at) + AFTER_EXPIRY_MS) timer = setTimeout(poll, EVERY_MS);
        })
        .catch(function () {
          if (current()) timer = setTimeout(poll, AFTER_ERROR_MS);
        });
    }

    timer = setTimeout(poll, EVERY_MS);
  }

  // Each send replaces the result (tester.js): follow the request its answer names, if any.
  new MutationObserver(follow).observe(resultArea, { childList: true });
  follow();
})();
