// Admin pages: keep an import's progress bar current by polling its JSON status; when the
// import ends, reload the page to show the refused rows. Without script the page refreshes
// itself (a <noscript> meta refresh), so this is only a smoother version of the same thing.
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status]");
  if (!box) return;
  var url = box.getAttribute("data-import-status");
  var bar = document.getElementById("import-bar");

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
      .then(function (s) {
        bar.max = s.total_rows || 1;
        bar.value = s.finished ? bar.max : s.processed_rows;
        bar.textContent = s.percent + " %";
        ["created", "updated", "unchanged", "refused"].forEach(function (k) { show(k, s[k]); });
        if (s.status === "running") {
          show("summary", "Importing: " + s.processed_rows + " of " + s.total_rows + " rows.");
        }
        if (s.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
