// The delivery log: while an event is still waiting for its attempt, the list refreshes itself in place for a
// little while (without the script, the Refresh button does the same).
(function () {
  "use strict";
  var tries = 0;
  function waiting() {
    return document.querySelector('#deliveries [data-state="pending"], #deliveries [data-state="delivering"]');
  }
  function refresh() {
    if (!waiting() || tries++ >= 20) return;
    fetch(location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("deliveries");
        var current = document.getElementById("deliveries");
        if (fresh && current) current.replaceWith(fresh);
        setTimeout(refresh, 1500);
      })
      .catch(function () { /* the Refresh button still works */ });
  }
  setTimeout(refresh, 1500);
})();
