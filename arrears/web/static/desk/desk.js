// Keyboard work on the desk's tables: j/k move the current row, Enter opens it; "/" puts the
// cursor in the debtor search. Keys typed into a field are the field's.
(function () {
  "use strict";
  function rows() { return Array.from(document.querySelectorAll("table[data-nav] tbody tr[data-href]")); }
  function current() { return document.querySelector("table[data-nav] tbody tr.current"); }
  function pick(row) {
    var was = current();
    if (was) { was.classList.remove("current"); was.removeAttribute("aria-current"); }
    if (!row) { return; }
    row.classList.add("current");
    row.setAttribute("aria-current", "true");
    row.scrollIntoView({ block: "nearest" });
  }
  function move(by) {
    var all = rows();
    if (!all.length) { return; }
    var at = all.indexOf(current());
    pick(all[Math.min(all.length - 1, Math.max(0, at < 0 ? 0 : at + by))]);
  }
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(ev.target)) { return; }
    if (ev.key === "j") { move(1); ev.preventDefault(); }
    else if (ev.key === "k") { move(-1); ev.preventDefault(); }
    else if (ev.key === "Enter" && current()) { window.location.href = current().dataset.href; ev.preventDefault(); }
    else if (ev.key === "/") {
      var box = document.getElementById("q");
      if (box) { box.focus(); box.select(); ev.preventDefault(); }
    }
  });
  document.addEventListener("click", function (ev) {
    var row = ev.target.closest && ev.target.closest("tr[data-href]");
    if (row && !ev.target.closest("a, button, input, select, textarea")) { window.location.href = row.dataset.href; }
  });
})();
