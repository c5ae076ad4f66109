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
  var haystacks = rows.map(function (row) {
    return fold(Array.prototype.map.call(row.cells, function (cell) { return cell.textContent; }).join(" "));
  });

  function apply() {
    var needle = fold(input.value.trim()).replace(/^\++/, "");
    var shown = 0;
    rows.forEach(function (row, index) {
      var match = !needle || haystacks[index].indexOf(needle) !== -1;
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
