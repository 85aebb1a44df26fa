/* Kaiku's embed loader, served at BASE/embed.js. Hand-written, no build step, no dependency.
 *
 *   <script async src="BASE/embed.js" data-survey="KEY" data-customer="ID"
 *           data-signature="HMAC" [data-key-id data-expires data-attributes data-language]>
 *
 * or, for calls made before the script has loaded:
 *
 *   window.Kaiku = window.Kaiku || {q: []};
 *   ["init", "show", "track", "identify"].forEach(function (m) {
 *     Kaiku[m] = Kaiku[m] || function () { Kaiku.q.push([m].concat([].slice.call(arguments))); };
 *   });
 *   Kaiku.init({survey: "KEY", customer: "ID", signature: "HMAC"});
 *
 * On init it asks BASE whether the widget may open (POST visits), then opens it when one of the
 * survey's triggers fires (on load, after N seconds, from the Nth visit, on Kaiku.track(name),
 * on a URL pattern, also after history.pushState), at most once per page. The widget is an
 * iframe of BASE/embed/KEY in a fixed box whose every style is inline and !important, so the
 * page's CSS changes nothing in it, and it adds no CSS to the page. Who the customer is goes
 * to the iframe by postMessage, never in its URL. It talks to BASE alone and sets no cookie;
 * an anonymous visitor's visits, dismissal and answer are kept in this page's localStorage.
 * A refused identity or any other failure is a console error ("Kaiku: ...") and shows nothing.
 */
(function (w, d) {
  "use strict";
  var queued = w.Kaiku;
  if (queued && queued.loaded) return;
  var script = d.currentScript || d.querySelector('script[src*="/embed.js"]');
  var BASE = new URL(script.src, location.href).origin;
  var DAY = 864e5;
  var GAP = 18e5; // page loads closer together than 30 minutes are one visit (as on the server)
  var BOX = "all:initial;position:fixed;z-index:2147483000;display:block;box-sizing:border-box;" +
    "right:clamp(8px,2vw,24px);bottom:clamp(8px,2vw,24px);width:min(400px,calc(100vw - 16px));" +
    "margin:0;padding:0;border:0;border-radius:16px;overflow:hidden;background:transparent;" +
    "box-shadow:0 8px 32px rgba(16,24,40,.22),0 2px 6px rgba(16,24,40,.12);opacity:1;";
  var FRAME = "all:initial;display:block;box-sizing:border-box;width:100%;min-width:100%;" +
    "max-width:100%;max-height:calc(100vh - 16px);margin:0;padding:0;border:0;opacity:1;" +
    "background:transparent;color-scheme:normal;visibility:visible;";

  var options = null; // what init was given
  var seen = null; // the visits answer
  var generation = 0; // bumps on each init, so a late answer of an earlier one is dropped
  var fired = false;
  var wanted = false; // Kaiku.show() before the visit was answered
  var events = {};
  var tracked = {};
  var patterns = [];
  var timers = [];
  var box = null;
  var frame = null;
  var returnFocus = null;
  var display = null;
  var answered = false;

  function fail(problem) {
    var message = problem && problem.error ? problem.error.message : String(problem);
    console.error("Kaiku: " + message);
  }

  function important(css) {
    return css.replace(/;/g, "!important;");
  }

  function identity() {
    var attributes = options.attributes;
    var expires = parseInt(options.expires, 10);
    return {
      customer: options.customer ? String(options.customer) : null,
      signature: options.signature || null,
      key_id: options.keyId || null,
      expires: isNaN(expires) ? null : expires,
      attributes: attributes == null || attributes === "" ? null :
        typeof attributes === "string" ? attributes : JSON.stringify(attributes),
      language: options.language || navigator.language || null,
    };
  }

  function api(name, body) {
    var payload = identity();
    for (var key in body) payload[key] = body[key];
    return fetch(BASE + "/api/v1/embed/" + encodeURIComponent(options.survey) + "/" + name, {
      method: "POST", mode: "cors", credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload),
    }).then(function (response) {
      if (response.status === 204) return {};
      return response.json().then(function (data) {
        if (!response.ok) throw data;
        return data;
      }, function () { throw "the widget API answered " + response.status; });
    }, function () {
      throw "could not reach " + BASE + " (is " + location.origin +
        " among the survey's allowed origins?)";
    });
  }

  // The anonymous visitor's own history, in this page's localStorage (never a cookie).
  function memoryKey() { return "kaiku:" + options.survey; }

  function recall() {
    try { return JSON.parse(localStorage.getItem(memoryKey())) || {}; } catch (e) { return {}; }
  }

  function remember(change) {
    var memory = recall();
    for (var key in change) memory[key] = change[key];
    try { localStorage.setItem(memoryKey(), JSON.stringify(memory)); } catch (e) { /* off */ }
    return memory;
  }

  function anonymousVisit(answer) {
    var now = Date.now();
    var memory = recall();
    var visits = memory.visits || 0;
    if (!memory.last || now - memory.last >= GAP) visits += 1;
    remember({ visits: visits, last: now });
    answer.visits = visits;
    if (memory.dismissed && now - memory.dismissed < answer.dismiss_days * DAY) {
      answer.eligible = false;
    }
    if (memory.answered && now - memory.answered < answer.recontact_days * DAY) {
      answer.eligible = false;
    }
  }

  function init(given) {
    if (!given || !given.survey) return fail("Kaiku.init needs the survey's key ({survey: ...})");
    close(false);
    options = given;
    seen = null;
    fired = false;
    events = {};
    patterns = [];
    timers.forEach(clearTimeout);
    timers = [];
    var mine = ++generation;
    api("visits", { url: location.href.split("#")[0] }).then(function (answer) {
      if (mine !== generation) return;
      if (answer.anonymous) anonymousVisit(answer);
      seen = answer;
      if (answer.eligible) arm(answer.triggers || []);
    }).catch(function (problem) {
      if (mine === generation) fail(problem);
    });
  }

  function glob(pattern) {
    var parts = pattern.split("*").map(function (part) {
      return part.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
    });
    return new RegExp("^" + parts.join(".*") + "$");
  }

  function arm(triggers) {
    triggers.forEach(function (trigger) {
      if (trigger.type === "load") open();
      else if (trigger.type === "delay") timers.push(setTimeout(open, trigger.seconds * 1000));
      else if (trigger.type === "visits" && seen.visits >= trigger.count) open();
      else if (trigger.type === "event") events[trigger.name] = true;
      else if (trigger.type === "url") patterns.push(glob(trigger.pattern));
    });
    for (var name in tracked) if (events[name]) open();
    checkUrl();
    if (wanted) open();
  }

  function checkUrl() {
    var here = location.pathname + location.search;
    patterns.forEach(function (pattern) { if (pattern.test(here)) open(); });
  }

  function show() {
    wanted = true;
    if (seen && seen.eligible) open();
  }

  function track(name) {
    tracked[name] = true;
    if (seen && events[name]) open();
  }

  function identify(customer, signature, attributes, more) {
    var given = {};
    for (var key in options || {}) given[key] = options[key];
    more = more || {};
    given.customer = customer;
    given.signature = signature;
    given.attributes = attributes;
    given.keyId = more.keyId;
    given.expires = more.expires;
    init(given);
  }

  function frameHeight(height) {
    frame.style.cssText = important(FRAME + "height:" + height + "px;");
  }

  function open() {
    if (fired || !seen || !seen.eligible || !d.body) return;
    fired = true;
    display = null;
    answered = false;
    returnFocus = d.activeElement;
    box = d.createElement("div");
    box.style.cssText = important(BOX + "visibility:hidden;");
    box.setAttribute("data-kaiku-widget", "");
    frame = d.createElement("iframe");
    frameHeight(0);
    frame.title = seen.title || "Feedback survey";
    frame.setAttribute("allow", "clipboard-write");
    frame.src = BASE + "/embed/" + encodeURIComponent(options.survey) + "?lang=" +
      encodeURIComponent(seen.language || "");
    frame.addEventListener("load", function () {
      tellFrame("init", { identity: identity() });
    });
    box.appendChild(frame);
    d.body.appendChild(box);
    w.addEventListener("message", heard);
    d.addEventListener("keydown", escape);
  }

  function tellFrame(type, extra) {
    if (!frame || !frame.contentWindow) return;
    var message = { kaiku: 1, type: type };
    for (var key in extra) message[key] = extra[key];
    frame.contentWindow.postMessage(message, BASE);
  }

  function heard(event) {
    var data = event.data;
    if (!frame || event.source !== frame.contentWindow || event.origin !== BASE) return;
    if (!data || data.kaiku !== 1) return;
    if (data.type === "height" && data.height > 0) {
      frameHeight(data.height);
      if (box.style.visibility === "hidden") {
        box.style.cssText = important(BOX + "visibility:visible;");
        frame.focus();
        tellFrame("focus", {});
      }
    } else if (data.type === "displayed") {
      display = data.display || null;
    } else if (data.type === "answered") {
      answered = true;
      if (seen.anonymous) remember({ answered: Date.now() });
    } else if (data.type === "close") {
      close(true);
    }
  }

  function escape(event) {
    if (event.key === "Escape" || event.key === "Esc") close(true);
  }

  function close(dismissing) {
    if (!box) return;
    box.parentNode && box.parentNode.removeChild(box);
    box = frame = null;
    w.removeEventListener("message", heard);
    d.removeEventListener("keydown", escape);
    if (dismissing && !answered) {
      if (seen.anonymous) remember({ dismissed: Date.now() });
      api("dismissals", display ? { display: display } : {}).catch(fail);
    }
    if (returnFocus && returnFocus.focus && d.contains(returnFocus)) returnFocus.focus();
    else if (d.activeElement && d.activeElement.blur) d.activeElement.blur();
  }

  ["pushState", "replaceState"].forEach(function (name) {
    var original = history[name];
    history[name] = function () {
      var result = original.apply(this, arguments);
      checkUrl();
      return result;
    };
  });
  w.addEventListener("popstate", checkUrl);

  w.Kaiku = { loaded: true, init: init, show: show, track: track, identify: identify };
  var data = script && script.dataset;
  if (data && data.survey) {
    init({
      survey: data.survey, customer: data.customer, signature: data.signature,
      keyId: data.keyId, expires: data.expires, attributes: data.attributes,
      language: data.language,
    });
  }
  ((queued && queued.q) || []).forEach(function (call) {
    call = Array.prototype.slice.call(call);
    var method = w.Kaiku[call[0]];
    if (typeof method === "function") method.apply(null, call.slice(1));
  });
})(window, document);
