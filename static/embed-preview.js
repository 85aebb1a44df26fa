// The Embed tab's preview: the widget page (framed from this site, ?preview=1) says how tall it
// is as it moves between steps, and its frame follows, as the loader does on a company's page.
(function () {
  "use strict";
  var frame = document.querySelector("iframe.embed-preview");
  if (!frame) return;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== location.origin || event.source !== frame.contentWindow) return;
    if (!data || data.kaiku !== 1 || data.type !== "height" || !(data.height > 0)) return;
    frame.style.height = Math.min(Math.ceil(data.height) + 2, 1200) + "px";
  });
})();
