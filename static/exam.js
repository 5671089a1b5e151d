// The candidate's page, improved: answers save as they change (without leaving the page),
// "saved at hh:mm:ss" shows what the server has, unsaved answers are kept and sent again when
// the network comes back, leaving with something unsaved asks first, and the time left counts
// down. Without this script every button still saves by posting the form.
(function () {
  "use strict";
  var timer = document.getElementById("time-left");
  var connection = document.getElementById("connection");
  var form = document.getElementById("answer-form");

  // The countdown starts from the server's figure, so a wrong PC clock does not matter.
  if (timer) {
    var leftMs = parseInt(timer.getAttribute("data-left-ms"), 10) || 0;
    var shownAt = Date.now();
    var strong = timer.querySelector("strong");
    var tick = function () {
      var left = Math.max(0, leftMs - (Date.now() - shownAt));
      var s = Math.floor(left / 1000), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
      var pad = function (n) { return (n < 10 ? "0" : "") + n; };
      strong.textContent = (h > 0 ? h + ":" + pad(m) : pad(m)) + ":" + pad(s % 60);
      if (left <= 0) {
        window.clearInterval(handle);
        // Let a last save go out, then ask the server (it shows the time-up page).
        window.setTimeout(function () { dirty = false; window.location.reload(); }, form ? 2000 : 0);
      }
    };
    var handle = window.setInterval(tick, 1000);
  }

  if (!form || !window.fetch || !window.URLSearchParams) { return; }
  var seqField = form.querySelector("input[name=seq]");
  var saveState = document.getElementById("save-state");
  var dirty = false, inFlight = false, retryDelay = 2000, retryHandle = null, textHandle = null;

  function say(el, text) { if (el) { el.textContent = text; } }
  function fill(template, time) { return template.replace("{time}", time); }

  function body() {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "go" || el.disabled) { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      params.append(el.name, el.value);
    });
    return params;
  }

  function save() {
    if (inFlight) { dirty = true; return; }
    inFlight = true;
    dirty = false;
    say(saveState, form.getAttribute("data-msg-saving"));
    var sentSeq = parseInt(seqField.value, 10);
    fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: body().toString()
    }).then(function (r) {
      return r.json().then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
    }).then(function (res) {
      inFlight = false;
      if (res.status >= 500) {
        // The server could not store it (a full disk, the database down): keep it and retry.
        keepAndRetry(sentSeq, res.data.error);
        return;
      }
      retryDelay = 2000;
      say(connection, "");
      if (res.ok) {
        seqField.value = String(Math.max(parseInt(seqField.value, 10), sentSeq + 1));
        say(saveState, fill(form.getAttribute("data-msg-saved"), res.data.saved_at));
        var current = form.querySelector(".grid .current");
        if (current) { current.classList.add("answered"); }
        say(document.getElementById("answered-count"), res.data.answered);
      } else {
        // Refused (time up, paused, stale): say why; a reload shows the server's state.
        say(saveState, res.data.error || form.getAttribute("data-msg-unsaved"));
        if (res.status === 409) { seqField.value = String(sentSeq + 1); }
      }
      if (dirty) { save(); }
    }).catch(function () {
      // The network dropped: keep the answer and try again, a little later each time.
      inFlight = false;
      keepAndRetry(sentSeq, null);
    });
  }

  function keepAndRetry(sentSeq, why) {
    dirty = true;
    seqField.value = String(Math.max(parseInt(seqField.value, 10), sentSeq + 1));
    say(saveState, why || form.getAttribute("data-msg-unsaved"));
    if (!why) { say(connection, form.getAttribute("data-msg-offline")); }
    window.clearTimeout(retryHandle);
    retryHandle = window.setTimeout(save, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
  }

  form.addEventListener("change", function (e) {
    if (e.target.name === "go") { return; }
    window.clearTimeout(textHandle);
    save();
  });
  form.addEventListener("input", function (e) {
    if (e.target.tagName !== "INPUT" || e.target.type !== "text" && e.target.type !== "") { return; }
    dirty = true;
    say(saveState, form.getAttribute("data-msg-unsaved"));
    window.clearTimeout(textHandle);
    textHandle = window.setTimeout(save, 800);
  });
  window.addEventListener("online", function () {
    say(connection, form.getAttribute("data-msg-online"));
    if (dirty) { window.clearTimeout(retryHandle); save(); }
  });
  window.addEventListener("offline", function () { say(connection, form.getAttribute("data-msg-offline")); });
  // Moving on by a button posts the answer itself: nothing to warn about then.
  form.addEventListener("submit", function () { dirty = false; inFlight = false; });
  window.addEventListener("beforeunload", function (e) {
    if (dirty || inFlight) { e.preventDefault(); e.returnValue = ""; return ""; }
  });
})();
