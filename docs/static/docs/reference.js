// The API reference: Redoc (vendored, docs/static/docs/vendor/redoc/) renders /openapi.json into #redoc, its
// labels in the page's language. Redoc has no "try it"; the page sends people to the test page instead.
(function () {
  "use strict";
  var element = document.getElementById("redoc");
  var labels = document.getElementById("redoc-labels");
  if (!element || !window.Redoc) return;
  window.Redoc.init(
    element.getAttribute("data-spec-url"),
    {
      labels: labels ? JSON.parse(labels.textContent) : {},
      hideDownloadButtons: false,
      expandResponses: "200",
      jsonSamplesExpandLevel: 3,
      sortPropsAlphabetically: false,
      pathInMiddlePanel: true,
      theme: { typography: { fontFamily: "inherit", headings: { fontFamily: "inherit" } } },
    },
    element
  );
})();
