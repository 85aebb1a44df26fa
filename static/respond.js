/* Kaiku respondent pages: the small amount of script they use, none of it required.
 *
 * 1. The link behind an email button (/s/<token>?score=N) pre-selects N; this submits it once,
 *    when the page is actually visible (not while prerendered or in a background tab). Without
 *    script the visible Send button does the same. A plain GET never records anything.
 * 2. On the thanks page, a promoter's referral link is made by a background task: poll for it
 *    every second for about 15 seconds, then fall back to the "refresh" link.
 * 3. A "Copy link" button next to a referral link.
 * 4. The answer forms (score, comment) post with fetch. Saving is idempotent (one answer per
 *    invitation, replaced by the same post), so when the connection drops or a proxy answers
 *    502/503/504 (a web worker died, perhaps after it saved), the same post is sent again with
 *    backoff, and the page the server answers (the saved answer) is shown. Only when the
 *    server stays out of reach does the form say so, with a "Try again" button. Any other
 *    answer (a 422 for a bad value) is left to the browser: the form is posted as without
 *    script, so the server's own page shows.
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

  var RETRY_DELAYS_MS = [500, 1000, 2000, 4000];
  var RETRY_STATUSES = [502, 503, 504];

  function sendWithRetry(form) {
    var status = form.querySelector("[data-send-status]");
    var message = status.querySelector("[data-send-message]");
    var again = status.querySelector("[data-send-again]");
    var busy = false;
    var submitter = null;

    function say(key) {
      message.textContent = status.getAttribute(key);
      again.hidden = key !== "data-failed";
      status.classList.toggle("alert", key === "data-failed");
      status.classList.toggle("alert-error", key === "data-failed");
      status.hidden = false;
    }

    function postAsWithoutScript() {
      form.setAttribute("data-plain-post", "");
      if (submitter) submitter.click();
      else form.submit();
    }

    function attempt(body, tries) {
      fetch(form.action, { method: "POST", body: body, credentials: "same-origin",
                           cache: "no-store", redirect: "follow" })
        .then(function (response) {
          if (response.ok && response.redirected) location.assign(response.url);
          else if (RETRY_STATUSES.indexOf(response.status) !== -1) retry(body, tries);
          else postAsWithoutScript();
        }, function () { retry(body, tries); });
    }

    function retry(body, tries) {
      if (tries >= RETRY_DELAYS_MS.length) {
        busy = false;
        say("data-failed");
        return;
      }
      say("data-trying");
      window.setTimeout(function () { attempt(body, tries + 1); }, RETRY_DELAYS_MS[tries]);
    }

    form.addEventListener("submit", function (event) {
      if (form.hasAttribute("data-plain-post")) return;
      event.preventDefault();
      if (busy) return;
      busy = true;
      submitter = event.submitter || null;
      var body = new URLSearchParams(new FormData(form));
      // FormData leaves out the pressed button, which carries the score.
      if (submitter && submitter.name) body.append(submitter.name, submitter.value);
      attempt(body, 0);
    });

    again.addEventListener("click", function () {
      status.hidden = true;
      if (submitter) submitter.click();
      else form.requestSubmit();
    });

    // Back from the next page restores this one as it was left: ready to send again.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      busy = false;
      status.hidden = true;
      form.removeAttribute("data-plain-post");
    });
  }

  document.querySelectorAll("form[data-send-retry]").forEach(sendWithRetry);
  var button = document.querySelector("button[data-autosubmit]");
  if (button) autoSubmit(button);
  document.querySelectorAll("[data-referral-poll]").forEach(pollReferral);
  document.querySelectorAll(".referral [data-copy-label]").forEach(addCopyButton);
})();
