// The API test page: fields by action and transport, sending without a reload, snippet tabs.
// Without this file the page still works: every field shows, and sending reloads the page.
(function () {
  "use strict";
  var formArea = document.getElementById("tester-form-area");
  var resultArea = document.getElementById("tester-result");
  var historyArea = document.getElementById("tester-history");
  if (!formArea || !resultArea || !window.fetch) return;

  function checked(form, name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : "";
  }

  // Show only the fields the chosen action and transport use.
  function showFields() {
    var form = document.getElementById("tester-form");
    if (!form) return;
    var action = checked(form, "action");
    var transport = checked(form, "transport");
    form.querySelectorAll(".field[data-actions], .field[data-transports]").forEach(function (field) {
      var actions = field.getAttribute("data-actions");
      var transports = field.getAttribute("data-transports");
      var shown = (!actions || actions.split(" ").indexOf(action) >= 0) &&
        (!transports || transports.split(" ").indexOf(transport) >= 0);
      field.hidden = !shown;
    });
  }

  // Snippet tabs: one language at a time.
  function setUpTabs() {
    var tabs = resultArea.querySelectorAll(".tabs [role=tab]");
    if (!tabs.length) return;
    var select = function (chosen) {
      tabs.forEach(function (tab) {
        var on = tab === chosen;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        var panel = document.getElementById(tab.getAttribute("aria-controls"));
        if (panel) {
          if (on) panel.removeAttribute("data-inactive"); else panel.setAttribute("data-inactive", "");
        }
      });
    };
    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { select(tab); });
      // Arrow keys move between tabs, as in any tab list.
      tab.addEventListener("keydown", function (event) {
        var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        var chosen = tabs[(next + tabs.length) % tabs.length];
        select(chosen);
        chosen.focus();
      });
    });
    select(tabs[0]);
  }

  function busy(button, on) {
    if (!button) return;
    if (on) {
      button.setAttribute("data-label", button.textContent);
      button.textContent = button.getAttribute("data-busy-label") || button.textContent;
      button.setAttribute("aria-busy", "true");
      button.disabled = true;
    } else {
      button.textContent = button.getAttribute("data-label") || button.textContent;
      button.removeAttribute("aria-busy");
      button.disabled = false;
    }
  }

  function showFailure(message) {
    resultArea.innerHTML = "";
    var box = document.createElement("p");
    box.className = "callout problem";
    box.setAttribute("role", "alert");
    box.textContent = message;
    resultArea.appendChild(box);
  }

  function send(form, submitter) {
    busy(submitter, true);
    // form.action would be the input named "action": read the attribute (a button's formaction first).
    fetch((submitter && submitter.getAttribute("formaction")) || form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.headers.get("Content-Type") || response.headers.get("Content-Type").indexOf("json") < 0) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        formArea.innerHTML = data.form;
        historyArea.innerHTML = data.history;
        resultArea.innerHTML = data.result;
        showFields();
        setUpTabs();
        var target = data.valid ? document.getElementById("exchange") :
          formArea.querySelector('[aria-invalid="true"], .errorlist');
        if (target) {
          target.scrollIntoView({ block: "start", behavior: "smooth" });
          if (target.focus) target.focus({ preventScroll: true });
        }
      })
      .catch(function (error) {
        busy(submitter, false);
        showFailure(resultArea.getAttribute("data-send-failed") + " (" + error.message + ")");
      });
  }

  document.addEventListener("change", function (event) {
    if (event.target.name === "action" || event.target.name === "transport") showFields();
  });

  // Clearing the history: asked here at once; without JavaScript the server's own page asks.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("clear-history")) return;
    if (!window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
      return;
    }
    var confirmed = document.createElement("input");
    confirmed.type = "hidden";
    confirmed.name = "confirm";
    confirmed.value = "1";
    form.appendChild(confirmed);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id !== "tester-form" && !form.classList.contains("resend-form")) return;
    event.preventDefault();
    send(form, event.submitter || form.querySelector("button[type=submit]"));
  });

  showFields();
  setUpTabs();
})();
