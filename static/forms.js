// Staff forms: move the focus to the error summary when a form comes back with problems, so a
// screen reader reads every problem at once and a keyboard user starts at the list of links.
// A link in the summary focuses its field too (the browser only scrolls to it).
(function () {
  "use strict";
  var box = document.querySelector("[data-error-summary]");
  if (!box) return;
  box.focus();
  box.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.scrollIntoView({ block: "center" });
    field.focus();
  });
})();
