// The candidate's page, improved (without this script every button still saves by posting the
// form, and the timer shows the time left when the page was made):
// - an answer is saved as it changes, without leaving the page; until the server acknowledges
//   it, it is kept in this browser (localStorage, the form's own values only: option tokens,
//   text typed, the flag), marked "chưa lưu", put back after a reload and sent again as soon
//   as the attempt runs again; leaving with something unsaved asks first;
// - replies are told apart: only a lost network or a 503 means "retrying"; a paused attempt
//   keeps the answer until the proctor resumes; any other refusal is shown for what it is;
// - a light ping to the server (every 20 s, 5 s while paused or offline) keeps the countdown,
//   the paused state and the answered count as the server has them;
// - the attempt's stored answers are forgotten at submission, sign-out and when it ends.
// Plain ES5 and XMLHttpRequest so that old lab browsers run it.
(function () {
  "use strict";
  var holder = document.querySelector("[data-attempt]");
  var attempt = holder && holder.getAttribute("data-attempt");
  var receipt = window.location.pathname === "/thi/receipt";
  if (!attempt && !receipt) { return; }
  // The receipt of a page without the attempt's key forgets every attempt's entries.
  var prefix = attempt ? "sathach:" + attempt + ":q" : "sathach:";

  // ---- Browser storage: one entry per unacknowledged question ----
  var disk = null;
  try { disk = window.localStorage; disk.getItem(prefix); } catch (e) { disk = null; }
  var pending = {}; // question number -> {seq, fields}; mirrors the attempt's entries

  function storedKeys() {
    var keys = [], i;
    if (!disk) { return keys; }
    for (i = 0; i < disk.length; i++) { keys.push(disk.key(i)); }
    return keys;
  }
  function put(n, entry) {
    pending[n] = entry;
    try { disk.setItem(prefix + n, JSON.stringify(entry)); } catch (e) { /* kept in the page */ }
  }
  function drop(n) {
    delete pending[n];
    try { disk.removeItem(prefix + n); } catch (e) { /* nothing stored */ }
  }
  // Everything of this attempt.
  function forget() {
    var keys = storedKeys(), i;
    for (i = 0; i < keys.length; i++) {
      if (keys[i].indexOf(prefix) === 0) { disk.removeItem(keys[i]); }
    }
    pending = {};
  }
  // This attempt's entries; another attempt's (a crashed page of an earlier candidate: lab PCs
  // are shared) are removed.
  (function load() {
    var keys = storedKeys(), i, entry;
    for (i = 0; i < keys.length; i++) {
      if (keys[i].indexOf("sathach:") !== 0) { continue; }
      try { entry = JSON.parse(disk.getItem(keys[i])); } catch (e) { entry = null; }
      if (entry && entry.fields && keys[i].indexOf(prefix) === 0) { pending[keys[i].slice(prefix.length)] = entry; }
      else { disk.removeItem(keys[i]); }
    }
  })();

  // The receipt: the attempt is submitted, nothing of it stays in this browser.
  if (receipt) { forget(); }
  var signOut = document.getElementById("exam-sign-out");
  if (signOut) { signOut.addEventListener("submit", forget); }

  // The lobby after a start the server was too busy for: "Bắt đầu" is pressed again when the
  // server's turn for it comes (it spreads a crowd's turns), plus up to a second.
  var again = document.querySelector("form[data-retry-after]");
  if (again) {
    window.setTimeout(function () { again.submit(); },
      (parseInt(again.getAttribute("data-retry-after"), 10) || 2) * 1000 + Math.floor(Math.random() * 1000));
  }

  var form = document.getElementById("answer-form");
  if (!form) { return; }

  // ---- The page ----
  var current = form.getAttribute("action").replace(/.*\//, "");
  var seqField = form.querySelector("input[name=seq]");
  var csrf = form.querySelector("input[name=csrf]").value;
  var saveState = document.getElementById("save-state");
  var connection = document.getElementById("connection");
  var paused = false, offline = false, dead = false, leaving = false;
  var inFlight = null, retryDelay = 2000, retryHandle = null, textHandle = null, pingHandle = null;

  function msg(name) { return form.getAttribute("data-msg-" + name) || ""; }
  function say(el, text) { if (el) { el.textContent = text; } }
  function toggle(el, cls, on) {
    if (!el) { return; }
    var name = (" " + el.className + " ").replace(" " + cls + " ", " ");
    el.className = (on ? name + cls : name).replace(/^\s+|\s+$/g, "");
  }
  function cellOf(n) { return form.querySelectorAll(".grid li .cell:not(.sample)")[n - 1]; }

  // "chưa lưu" on the question's heading (when it is this page's) and on its grid cell.
  function markUnsaved(n, on) {
    var places = [cellOf(n)], i, mark;
    if (String(n) === current) { places.push(document.getElementById("q-label")); }
    for (i = 0; i < places.length; i++) {
      if (!places[i]) { continue; }
      mark = places[i].querySelector(".unsaved-mark");
      if (on && !mark) {
        mark = document.createElement("span");
        mark.className = "unsaved-mark";
        mark.textContent = " " + msg("unsaved-mark");
        places[i].appendChild(mark);
      } else if (!on && mark) {
        places[i].removeChild(mark);
      }
    }
  }

  // A message that is not a save result, with the way on when the server gives one.
  function alertBox(text, go) {
    var box = document.getElementById("exam-alert");
    if (!box) {
      box = document.createElement("div");
      box.id = "exam-alert";
      box.className = "notice warning";
      box.setAttribute("role", "alert");
      form.parentNode.insertBefore(box, form);
    }
    box.textContent = text;
    if (go) {
      var link = document.createElement("a");
      link.href = go;
      link.className = "button secondary";
      link.textContent = msg("follow");
      box.appendChild(document.createTextNode(" "));
      box.appendChild(link);
    }
  }

  // The form's own values: option tokens, text typed, the flag (never csrf, seq or option texts).
  function fields() {
    var out = [], i, el;
    for (i = 0; i < form.elements.length; i++) {
      el = form.elements[i];
      if (!el.name || el.name === "go" || el.name === "csrf" || el.name === "seq" || el.disabled) { continue; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { continue; }
      if (el.type === "submit" || el.type === "button") { continue; }
      out.push([el.name, el.value]);
    }
    return out;
  }
  function restore(saved) {
    var i, j, el, value;
    for (i = 0; i < form.elements.length; i++) {
      el = form.elements[i];
      if (!el.name || el.name === "go" || el.name === "csrf" || el.name === "seq") { continue; }
      if (el.type === "submit" || el.type === "button") { continue; }
      value = null;
      for (j = 0; j < saved.length; j++) {
        if (saved[j][0] === el.name && (value === null || saved[j][1] === el.value)) { value = saved[j][1]; }
      }
      if (el.type === "radio" || el.type === "checkbox") { el.checked = value === el.value; }
      else { el.value = value === null ? "" : value; }
    }
  }
  function encode(pairs) {
    var parts = [], i;
    for (i = 0; i < pairs.length; i++) {
      parts.push(encodeURIComponent(pairs[i][0]) + "=" + encodeURIComponent(pairs[i][1]));
    }
    return parts.join("&");
  }
  function post(url, pairs, done) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url, true);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      done(xhr.status, data || {});
    };
    xhr.send(encode([["csrf", csrf]].concat(pairs)));
  }
  // A network error, a 503, or a gateway's page while the server is away: keep and retry.
  function unreachable(status, data) {
    return status === 0 || status === 503 || (status >= 502 && status <= 504 && !data.key);
  }

  // ---- Saving ----
  // The current question's change is kept (page and storage) before anything is sent.
  function remember() {
    if (dead) { return; }
    put(current, { seq: parseInt(seqField.value, 10), fields: fields() });
    markUnsaved(current, true);
  }

  // Sends the next unacknowledged answer (this page's first), one request at a time.
  function flush() {
    if (inFlight || paused || dead) { return; }
    var n = pending[current] ? current : null, k;
    for (k in pending) { if (n === null && pending.hasOwnProperty(k)) { n = k; } }
    if (n === null) { return; }
    var entry = pending[n];
    if (n === current) {
      // Each try takes the next number: a try that reached the server never blocks a later change.
      entry.seq = Math.max(entry.seq, parseInt(seqField.value, 10));
      put(n, entry);
      seqField.value = String(entry.seq + 1);
      say(saveState, msg("saving"));
    }
    inFlight = { n: n, seq: entry.seq, fields: entry.fields };
    window.clearTimeout(retryHandle);
    post("/thi/q/" + n, entry.fields.concat([["seq", String(entry.seq)]]), function (status, data) {
      var sent = inFlight;
      inFlight = null;
      saved(sent, status, data);
    });
  }

  function saved(sent, status, data) {
    var n = sent.n, here = n === current, entry = pending[n];
    var unchanged = entry && entry.seq === sent.seq;
    if (status === 200 && data.saved_at) {
      online();
      retryDelay = 2000;
      if (unchanged) { drop(n); markUnsaved(n, false); }
      if (here) { say(saveState, msg("saved").replace("{time}", data.saved_at)); }
      answeredCell(n, sent.fields);
      counted(data);
      flush();
    } else if (unreachable(status, data)) {
      if (status === 0) { wentOffline(); } else { online(); }
      say(saveState, data.error || msg("unsaved"));
      retryHandle = window.setTimeout(flush, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    } else if (data.key === "exam.paused") {
      online();
      pausedNow(true);
    } else {
      online();
      refused(status, data, n);
    }
  }

  // The grid shows what the server now has for question n.
  function answeredCell(n, saved) {
    var cell = cellOf(n), i, answered = false, flagged = false;
    if (!cell) { return; }
    for (i = 0; i < saved.length; i++) {
      if (saved[i][0] === "flag") { flagged = true; } else if (saved[i][1] !== "") { answered = true; }
    }
    toggle(cell, "answered", answered);
    toggle(cell, "flagged", flagged);
  }
  function counted(data) {
    var el = document.getElementById("answered-count");
    if (el && msg("answered") && data.total !== null && data.total !== undefined && data.answered !== undefined) {
      el.textContent = msg("answered").replace("{n}", data.answered).replace("{total}", data.total);
    }
  }

  // A refusal that is not "offline" or "paused": said as the server says it.
  function refused(status, data, n) {
    var text = data.error || msg("unsaved") + " (" + status + ")";
    var key = data.key || "", k;
    if (key === "exam.ended" || key === "exam.device_replaced") {
      // Nothing of this attempt is sent from here any more, nor kept in this browser.
      for (k in pending) { if (pending.hasOwnProperty(k)) { markUnsaved(k, false); } }
      forget();
      dead = true;
      window.clearTimeout(pingHandle);
    }
    if (key === "exam.ended" || key === "exam.not_running") {
      alertBox(text, data.go);
      go(data.go);
    } else if (status === 401 || status === 403) {
      // Signed out, another device took over, or a form too old: the way on is the server's.
      dead = dead || status === 401;
      alertBox(text, data.go);
      say(saveState, text);
    } else if (n !== null && key && status >= 400 && status < 500) {
      // The server will never take this answer as it is (stale, unreadable, too large).
      drop(n);
      markUnsaved(n, false);
      if (n === current) { say(saveState, text); } else { flush(); }
    } else if (n === null || n === current) {
      say(saveState, text); // A 500 or a reply not meant for the script: kept, sent with the next change.
    }
  }
  function go(url) {
    if (!url) { return; }
    leaving = true;
    window.location.href = url;
  }

  // ---- Connection, pause and the countdown ----
  function wentOffline() {
    if (!offline) { offline = true; schedulePing(); }
    say(connection, msg("offline"));
  }
  // Says whether the page was offline until now.
  function online() {
    if (!offline) { return false; }
    offline = false;
    say(connection, "");
    schedulePing();
    return true;
  }
  function pausedNow(on) {
    if (on) {
      if (!paused) { paused = true; schedulePing(); }
      timer.freeze();
      say(saveState, msg("paused"));
    } else if (paused) {
      paused = false;
      say(saveState, "");
      schedulePing();
      flush();
    }
  }

  var timer = (function () {
    var el = document.getElementById("time-left");
    var strong = el && el.querySelector("strong");
    var leftMs = el ? parseInt(el.getAttribute("data-left-ms"), 10) || 0 : 0;
    var since = Date.now(), running = true, handle = null;
    var note = el && el.querySelector(".timer-note");
    if (note) { note.style.display = "none"; }
    function left() { return Math.max(0, leftMs - (running ? Date.now() - since : 0)); }
    function pad(n) { return (n < 10 ? "0" : "") + n; }
    function tick() {
      var s = Math.floor(left() / 1000), h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60;
      if (strong) { strong.textContent = (h > 0 ? h + ":" + pad(m) : pad(m)) + ":" + pad(s % 60); }
      if (running && left() <= 0 && !offline) {
        window.clearInterval(handle);
        // Let a last save go out, then ask the server (it shows the time-up page).
        window.setTimeout(function () { leaving = true; window.location.reload(); }, 2000);
      }
    }
    if (strong) { handle = window.setInterval(tick, 1000); }
    return {
      freeze: function () { leftMs = left(); running = false; tick(); },
      // The server's figure, now: the countdown runs from it unless the attempt is paused.
      set: function (ms, run) { leftMs = ms; since = Date.now(); running = run; tick(); }
    };
  })();

  function ping() {
    if (dead) { return; }
    post("/thi/ping", [], function (status, data) {
      if (unreachable(status, data)) { wentOffline(); schedulePing(); return; }
      if (status !== 200 || !data.state) { refused(status, data, null); schedulePing(); return; }
      if (online()) { flush(); }
      counted(data);
      if (data.state === "in_progress" || data.state === "paused") {
        if (data.left_ms !== null && data.left_ms !== undefined) {
          timer.set(data.left_ms, data.state === "in_progress");
        }
        pausedNow(data.state === "paused");
      } else {
        if (data.state === "submitted" || data.state === "terminated") { forget(); dead = true; }
        go(data.go);
      }
      schedulePing();
    });
  }
  function schedulePing() {
    window.clearTimeout(pingHandle);
    if (!dead) { pingHandle = window.setTimeout(ping, paused || offline ? 5000 : 20000); }
  }

  // ---- Events ----
  form.addEventListener("change", function (e) {
    if (e.target.name === "go") { return; }
    window.clearTimeout(textHandle);
    remember();
    flush();
  });
  form.addEventListener("input", function (e) {
    if (e.target.tagName !== "INPUT" || e.target.type !== "text" && e.target.type !== "") { return; }
    remember();
    say(saveState, msg("unsaved"));
    window.clearTimeout(textHandle);
    textHandle = window.setTimeout(flush, 800);
  });
  // Moving on by a button posts this answer itself (with this seq): the entry, if the post is
  // lost, is sent again from the next page and then answered as saved or stale.
  form.addEventListener("submit", function () {
    if (pending[current]) { remember(); }
    leaving = true;
  });
  window.addEventListener("online", function () {
    window.clearTimeout(retryHandle);
    ping();
    flush();
  });
  window.addEventListener("offline", wentOffline);
  window.addEventListener("beforeunload", function (e) {
    var k, unsaved = inFlight !== null;
    for (k in pending) { if (pending.hasOwnProperty(k)) { unsaved = true; } }
    if (unsaved && !leaving && !dead) { e.preventDefault(); e.returnValue = msg("leave"); return msg("leave"); }
  });

  // ---- On load: put back what the server has not got yet, and send it ----
  (function () {
    var k, entry = pending[current];
    if (entry && entry.seq >= parseInt(seqField.value, 10)) {
      restore(entry.fields);
      say(saveState, msg("unsaved"));
    } else if (entry) {
      drop(current); // The server has this answer, or a newer one.
    }
    for (k in pending) { if (pending.hasOwnProperty(k)) { markUnsaved(k, true); } }
    flush();
    schedulePing();
  })();
})();
