// The re-tagging page: keep the running run's progress current by polling its JSON status;
// when it ends, reload the page to show the result. Without script the page refreshes itself
// (a <noscript> meta refresh), so this is only a smoother version of the same thing.
(function () {
  "use strict";
  var box = document.querySelector("[data-reanalysis-status]");
  if (!box) return;
  var url = box.getAttribute("data-reanalysis-status");
  var bar = document.getElementById("reanalysis-bar");
  // The staff member's number format (en, fi, sv), as the page wrote it.
  var locale = box.getAttribute("data-format-locale") || "en";

  function show(name, value) {
    var el = box.querySelector('[data-field="' + name + '"]');
    if (el) el.textContent = value;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (body) {
        var run = body.run;
        if (!run) return;
        bar.max = run.total || 1;
        bar.value = run.finished ? bar.max : run.done;
        bar.textContent = run.percent + " %";
        show("total", run.total);
        show("done", run.done);
        show("retagged", run.retagged);
        show("rate", Math.round(run.rate).toLocaleString(locale));
        show("summary", "Re-tagging: " + run.done + " of " + run.total + " responses.");
        if (run.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
