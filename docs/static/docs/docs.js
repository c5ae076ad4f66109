// The documentation page: filters the country table as you type (without JavaScript the form filters on the server).
(function () {
  "use strict";
  var input = document.getElementById("country-q");
  var table = document.getElementById("country-table");
  var count = document.getElementById("country-count");
  if (!input || !table || !count) return;

  // Same folding as portal.countries.fold: accents off, lower case ("aland" finds "Åland").
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var noMatch = table.querySelector("tr.no-match");
  var rows = Array.prototype.slice.call(table.tBodies[0].rows).filter(function (row) { return row !== noMatch; });
  // Same matching as portal.countries.search: digits match the dialling codes starting with them ("+82" is
  // Korea only, "+8" every code starting with 8); other text the code, either name or an alias ("한국", "UK").
  var haystacks = rows.map(function (row) {
    var cells = Array.prototype.map.call(row.cells, function (cell) { return cell.textContent; });
    return fold(cells.join(" ") + " " + (row.getAttribute("data-aliases") || ""));
  });

  function matches(row, index, needle) {
    if (!needle) return true;
    if (/^[0-9]+$/.test(needle)) return (row.getAttribute("data-dial") || "").indexOf(needle) === 0;
    return haystacks[index].indexOf(needle) !== -1;
  }

  function apply() {
    var needle = fold(input.value.trim()).replace(/^\++/, "").trim();
    var shown = 0;
    rows.forEach(function (row, index) {
      var match = matches(row, index, needle);
      row.hidden = !match;
      if (match) shown += 1;
    });
    noMatch.hidden = shown > 0;
    count.textContent = count.getAttribute("data-template").replace("__shown__", shown);
  }

  // Every row is in the page (those not matching ?q= hidden), so clearing the box shows them all again.
  input.addEventListener("input", apply);
  if (input.form) input.form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
})();
