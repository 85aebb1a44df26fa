/* Kaiku respondent pages: the small amount of script they use, none of it required.
 *
 * 1. The link behind an email button (/s/<token>?score=N) pre-selects N; this submits it once,
 *    when the page is actually visible (not while prerendered or in a background tab). Without
 *    script the visible Send button does the same. A plain GET never records anything.
 * 2. On the thanks page, a promoter's referral link is made by a background task: poll for it
 *    every second for about 15 seconds, then fall back to the "refresh" link.
 * 3. A "Copy link" button next to a referral link.
 */
(function () {
  "use strict";

  function autoSubmit(button) {
    var status = button.form.querySelector("[data-sending]");
    var key = "kaiku:sent:" + location.pathname + location.search;
    try {
      // Coming back with the Back button must not post the answer again.
      if (sessionStorage.getItem(key)) return;
    } catch (e) { /* storage disabled: submit anyway */ }

    function go() {
      try { sessionStorage.setItem(key, "1"); } catch (e) { /* ignore */ }
      if (status) status.textContent = status.getAttribute("data-sending");
      button.click();
    }

    if (document.visibilityState === "hidden") {
      document.addEventListener("visibilitychange", function onVisible() {
        if (document.visibilityState !== "visible") return;
        document.removeEventListener("visibilitychange", onVisible);
        go();
      });
    } else {
      go();
    }
  }

  function addCopyButton(container) {
    var link = container.querySelector("a");
    if (!link || !navigator.clipboard || container.querySelector("button")) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-small";
    button.textContent = container.getAttribute("data-copy-label");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(link.href).then(function () {
        button.textContent = container.getAttribute("data-copied-label");
      });
    });
    container.appendChild(button);
  }

  function pollReferral(box) {
    var url = box.getAttribute("data-referral-poll");
    var refresh = box.querySelector("[data-refresh]");
    var template = box.querySelector("template[data-referral-template]");
    var attempts = 0;
    var maxAttempts = 15;
    if (refresh) refresh.hidden = true;

    function show(data) {
      var content = template.content.cloneNode(true);
      var link = content.querySelector("[data-referral-url]");
      link.href = data.url;
      link.textContent = data.url;
      var reward = content.querySelector("[data-referral-reward]");
      reward.textContent = data.reward || "";
      reward.parentNode.hidden = !data.reward;
      box.textContent = "";
      box.appendChild(content);
      box.classList.remove("referral-pending");
      box.setAttribute("aria-labelledby", "referral-heading");
      box.querySelectorAll("[data-copy-label]").forEach(addCopyButton);
    }

    function giveUp() {
      if (refresh) refresh.hidden = false;
    }

    function next() {
      attempts += 1;
      if (attempts >= maxAttempts) giveUp();
      else window.setTimeout(check, 1000);
    }

    function check() {
      fetch(url, { headers: { Accept: "application/json" }, cache: "no-store",
                   credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (data) {
          if (data.status === "ready" && data.url) show(data);
          else if (data.status === "none") box.hidden = true;
          else next();
        })
        .catch(next);
    }

    window.setTimeout(check, 1000);
  }

  var button = document.querySelector("button[data-autosubmit]");
  if (button) autoSubmit(button);
  document.querySelectorAll("[data-referral-poll]").forEach(pollReferral);
  document.querySelectorAll(".referral [data-copy-label]").forEach(addCopyButton);
})();
