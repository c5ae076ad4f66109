// Small progressive enhancements shared by every page; each page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Language switcher: change on select, no button needed. The server never sees the URL's #fragment, so the
  // page adds it to `next`: switching language keeps the reader at the same section.
  function keepFragment(form) {
    var next = form.querySelector('input[name="next"]');
    if (next && location.hash && next.value.indexOf("#") === -1) next.value += location.hash;
  }
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { keepFragment(select.form); select.form.submit(); });
    select.form.addEventListener("submit", function () { keepFragment(select.form); });
  });

  // Copy buttons: <button data-copy-target="#id"> copies that element's text (or value).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var target = document.querySelector(button.getAttribute("data-copy-target"));
    if (!target) return;
    var text = "value" in target && target.tagName !== "BUTTON" ? target.value : target.textContent;
    var done = function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied-label") || "Copied";
      button.classList.add("copied");
      setTimeout(function () { button.textContent = label; button.classList.remove("copied"); }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    } else {
      fallbackCopy(text);
      done();
    }
  });

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "absolute";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the text stays selectable */ }
    document.body.removeChild(area);
  }
})();
