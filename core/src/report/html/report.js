// Sorting and filtering for the batch table: nothing else runs on the page.
(function () {
  "use strict";
  var table = document.getElementById("reviews");
  var body = table.tBodies[0];
  var filter = document.getElementById("filter");
  var onlyLearning = document.getElementById("only-learning");
  var shown = document.getElementById("shown");

  function value(row, column, type) {
    var cell = row.children[column];
    var raw = cell.getAttribute("data-value");
    if (raw === null) raw = cell.textContent.trim();
    if (type === "number") {
      var n = parseFloat(raw);
      return isNaN(n) ? -Infinity : n;
    }
    return raw.toLowerCase();
  }

  function sortBy(button) {
    var header = button.closest("th");
    var column = Array.prototype.indexOf.call(header.parentNode.children, header);
    var type = button.getAttribute("data-type");
    var before = header.getAttribute("aria-sort");
    var first = type === "number" ? "descending" : "ascending";
    var order = before === first ? (first === "ascending" ? "descending" : "ascending") : first;
    var sign = order === "ascending" ? 1 : -1;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, column, type), y = value(b, column, type);
      if (x < y) return -sign;
      if (x > y) return sign;
      return a.getAttribute("data-id") < b.getAttribute("data-id") ? -1 : 1;
    });
    table.querySelectorAll("thead th[aria-sort]").forEach(function (th) {
      th.setAttribute("aria-sort", "none");
    });
    header.setAttribute("aria-sort", order);
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function applyFilter() {
    var words = filter.value.trim().toLowerCase();
    var count = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var visible = (!words || row.textContent.toLowerCase().indexOf(words) >= 0) &&
        (!onlyLearning.checked || row.getAttribute("data-learning") === "yes");
      row.hidden = !visible;
      if (visible) count += 1;
    });
    shown.textContent = count + " of " + body.rows.length + " reviews shown";
  }

  table.querySelectorAll("thead button").forEach(function (button) {
    button.addEventListener("click", function () { sortBy(button); });
  });
  filter.addEventListener("input", applyFilter);
  onlyLearning.addEventListener("change", applyFilter);
  applyFilter();
})();
