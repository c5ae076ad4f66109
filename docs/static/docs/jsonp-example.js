// A complete JSONP client of the CallbackNow Open API: the GET URL, with ?callback=<function name> at the end.
(function () {
  "use strict";
  var form = document.getElementById("jsonp-form");
  var shownUrl = document.getElementById("jsonp-url");
  var shownAnswer = document.getElementById("jsonp-answer");
  if (!form.elements.api.value) form.elements.api.value = window.location.origin;

  // The API calls this function with its JSON answer: {"result":"success",…} or {"result":"failed","reason":…}.
  window.CallbackNowExample = {
    done: function (answer) {
      shownAnswer.textContent = JSON.stringify(answer, null, 2);
    }
  };

  // encodeURIComponent leaves !'()* alone; escape them too, as the API's examples do.
  function encode(part) {
    return encodeURIComponent(part).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    });
  }

  // The action's path, as the option names it ("/{token}/callback/{my_number}/…"), filled in from the form.
  function callUrl(fields) {
    var path = fields.action.selectedOptions[0].getAttribute("data-path").replace(/\{(\w+)\}/g, function (_, name) {
      return encode(fields[name].value.trim());
    });
    var parameter = form.getAttribute("data-jsonp-parameter");
    return fields.api.value.replace(/\/+$/, "") + path + "/?" + parameter + "=CallbackNowExample.done";
  }

  function masked(url, token) {
    return token.length > 8 ? url.split(token).join(token.slice(0, 4) + "…" + token.slice(-4)) : url;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = callUrl(form.elements);
    shownUrl.textContent = masked(url, encode(form.elements.token.value.trim()));
    shownAnswer.textContent = "…";
    var script = document.createElement("script");
    script.src = url;
    script.addEventListener("error", function () {
      shownAnswer.textContent = "The API could not be reached. · API에 연결할 수 없습니다.";
    });
    script.addEventListener("load", function () { script.remove(); });
    document.head.appendChild(script);
  });
})();
