/* The embedded widget (templates/embed/widget.html), inside the loader's iframe.
 *
 * Who the customer is arrives from the loader by postMessage ({kaiku: 1, type: "init",
 * identity}), only from the page that framed it (window.parent) and only from one of the
 * survey's allowed origins; every message back goes to that origin alone. The widget then
 * opens a display (POST displays) and posts the score, the comment, a referral poll to the API
 * of its own origin. While a post is on its way the buttons do nothing (a double click stores
 * one answer; the server is idempotent as well). It reports its height so the iframe fits,
 * and asks the loader to close it (the × button, Escape). ?preview=1 walks the same steps and
 * posts nothing.
 */
(function () {
  "use strict";

  var root = document.getElementById("kaiku-widget");
  var config = JSON.parse(root.getAttribute("data-config"));
  var framed = window.parent !== window;
  var parentOrigin = config.preview && framed ? location.origin : null;
  var identity = null;
  var display = null;
  var idempotencyKey = null;
  var displayed = null;
  var answer = null;
  var busy = false;
  var errorBox = root.querySelector("[data-error]");
  var announcer = root.querySelector("[data-announce]");

  function tell(type, extra) {
    if (!parentOrigin) return;
    var message = { kaiku: 1, type: type };
    for (var key in extra || {}) message[key] = extra[key];
    window.parent.postMessage(message, parentOrigin);
  }

  function reportHeight() {
    tell("height", { height: Math.ceil(root.getBoundingClientRect().height) });
  }

  function randomKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function call(name, body) {
    if (config.preview) return Promise.resolve({});
    var payload = {};
    var key;
    for (key in identity) payload[key] = identity[key];
    for (key in body) payload[key] = body[key];
    return fetch(config.api + "/" + name, {
      method: "POST", credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload),
    }).then(function (response) {
      if (response.status === 204) return {};
      return response.json().then(function (data) {
        if (!response.ok) throw data;
        return data;
      });
    });
  }

  function which() {
    return display ? { display: display } : { idempotency_key: idempotencyKey };
  }

  function step(name) {
    root.querySelectorAll("[data-step]").forEach(function (section) {
      section.hidden = section.getAttribute("data-step") !== name;
    });
    errorBox.hidden = true;
    focusStep();
    reportHeight();
  }

  function focusStep() {
    var heading = root.querySelector("[data-step]:not([hidden]) h1");
    if (heading) heading.focus();
  }

  function say(text) {
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function setBusy(on) {
    busy = on;
    root.querySelectorAll(".score, [data-comment-form] button").forEach(function (button) {
      if (on) button.setAttribute("aria-disabled", "true");
      else button.removeAttribute("aria-disabled");
    });
  }

  function failed(problem) {
    errorBox.textContent = root.getAttribute("data-error-save");
    errorBox.hidden = false;
    if (window.console) console.error("Kaiku:", problem && problem.error ? problem.error.message : problem);
    reportHeight();
  }

  function send(body, then) {
    if (busy || (!identity && !config.preview)) return;
    setBusy(true);
    (displayed || Promise.resolve())
      .then(function () {
        var extra = which();
        for (var key in body) extra[key] = body[key];
        return call("responses", extra);
      })
      .then(function (saved) {
        setBusy(false);
        then(saved);
      }, function (problem) {
        setBusy(false);
        failed(problem);
      });
  }

  function category(score) {
    for (var i = 0; i < config.bands.length; i++) {
      if (score >= config.bands[i][1]) return config.bands[i][0];
    }
    return "";
  }

  function chooseScore(score) {
    send({ score: score }, function (saved) {
      answer = config.preview ? { score: score, category: category(score) } : saved;
      tell("answered");
      root.querySelectorAll(".score").forEach(function (button) {
        var chosen = Number(button.getAttribute("data-score")) === score;
        button.classList.toggle("is-selected", chosen);
        button.querySelector(".visually-hidden").hidden = !chosen;
      });
      root.querySelector("[data-chosen]").textContent = String(score);
      step("comment");
      say(root.getAttribute("data-saved-score"));
    });
  }

  function thank() {
    var chosen = answer.category || "";
    var custom = root.querySelector('[data-thanks="' + chosen + '"]');
    root.querySelectorAll("[data-thanks]").forEach(function (p) {
      p.hidden = custom ? p !== custom : p.getAttribute("data-thanks") !== "";
    });
    step("thanks");
    var referral = answer.referral || { status: "none" };
    if (referral.status === "ready") showReferral(referral);
    else if (referral.status === "pending") pollReferral(0);
  }

  function showReferral(referral) {
    var box = root.querySelector("[data-referral]");
    var link = box.querySelector("[data-referral-url]");
    link.href = referral.url;
    link.textContent = referral.url;
    var reward = box.querySelector("[data-referral-reward]");
    reward.textContent = referral.reward || "";
    reward.parentNode.hidden = !referral.reward;
    root.querySelector("[data-referral-pending]").hidden = true;
    box.hidden = false;
    if (navigator.clipboard && !box.querySelector("button")) {
      var copy = document.createElement("button");
      copy.type = "button";
      copy.className = "btn btn-small";
      copy.textContent = root.getAttribute("data-copy-label");
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(link.href).then(function () {
          copy.textContent = root.getAttribute("data-copied-label");
        });
      });
      link.parentNode.appendChild(copy);
    }
    reportHeight();
  }

  function pollReferral(attempt) {
    var pending = root.querySelector("[data-referral-pending]");
    if (attempt >= 15) {
      pending.hidden = true;
      reportHeight();
      return;
    }
    pending.hidden = false;
    reportHeight();
    window.setTimeout(function () {
      call("referral", which()).then(function (referral) {
        if (referral.status === "ready" && referral.url) showReferral(referral);
        else if (referral.status === "pending") pollReferral(attempt + 1);
        else { pending.hidden = true; reportHeight(); }
      }, function () { pollReferral(attempt + 1); });
    }, 1000);
  }

  function start(who) {
    identity = who;
    if (!identity.customer) idempotencyKey = randomKey();
    displayed = call("displays", {}).then(function (opened) {
      display = opened.display || null;
      tell("displayed", { display: display });
    });
    displayed.catch(failed);
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!framed || event.source !== window.parent) return;
    if (config.origins.indexOf(event.origin) === -1) return;
    if (!data || data.kaiku !== 1) return;
    if (data.type === "init" && !parentOrigin && !config.preview) {
      parentOrigin = event.origin;
      start(data.identity || {});
      reportHeight();
    } else if (event.origin !== parentOrigin) {
      return;
    } else if (data.type === "focus") {
      focusStep();
    }
  });

  root.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) return;
    if (target.hasAttribute("data-score")) chooseScore(Number(target.getAttribute("data-score")));
    else if (target.hasAttribute("data-close")) tell("close");
    else if (target.hasAttribute("data-change")) step("score");
    else if (target.hasAttribute("data-skip") && !busy) thank();
  });

  var form = root.querySelector("[data-comment-form]");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var comment = form.querySelector("textarea").value;
      send({ comment: comment }, function (saved) {
        if (!config.preview) answer = saved;
        thank();
        say(root.getAttribute("data-saved-comment"));
      });
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") tell("close");
  });

  if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(root);
  reportHeight();
})();
