// Copy buttons: a button with data-copy="ID" copies the text of the element with that id and
// says so in the page's [data-copy-status] live region. Without script (or clipboard access)
// the buttons stay hidden and the text can be selected by hand.
(function () {
  "use strict";
  if (!navigator.clipboard) return;
  var status = document.querySelector("[data-copy-status]");
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source) return;
      navigator.clipboard.writeText(source.textContent).then(
        function () {
          button.firstChild.textContent = "Copied";
          if (status) status.textContent = "Copied to the clipboard.";
          window.setTimeout(function () { button.firstChild.textContent = "Copy"; }, 2000);
        },
        function () {
          if (status) status.textContent = "Could not copy: select the text and copy it by hand.";
        }
      );
    });
  });
})();
