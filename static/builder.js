// The blueprint builder without reloads: the buttons that add or remove a part or a section,
// and a change of banks, modules or a part's kind, post the form in the background and put
// the server's new form in place; other changes in a section refresh its matching count.
// Without this script every button posts the form and the page comes back the same way.
(function () {
  "use strict";
  var form = document.getElementById("builder");
  if (!form || !window.fetch || !window.URLSearchParams || !window.FormData || !window.DOMParser) { return; }
  var busy = false;
  var bypass = false;
  var timer = null;

  function post(action) {
    var data = new URLSearchParams(new FormData(form));
    data.set("action", action);
    // Not form.action: the buttons named "action" hide that property.
    return fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Accept": "text/html" },
      body: data
    }).then(function (r) {
      if (r.status !== 200 && r.status !== 422) { throw new Error("status " + r.status); }
      return r.text();
    }).then(function (html) {
      return new DOMParser().parseFromString(html, "text/html");
    });
  }

  function firstField(box) {
    return box && box.querySelector("input:not([type=hidden]), select, button");
  }

  function swap(doc, focus) {
    var fresh = doc.getElementById("builder");
    if (!fresh) { return; }
    form.innerHTML = fresh.innerHTML;
    var target = typeof focus === "function" ? focus() : (focus && document.getElementById(focus));
    if (target) { target.focus(); }
  }

  function last(list) { return list.length ? list[list.length - 1] : null; }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=action]");
    if (bypass || !button || button.value === "save") { return; }
    event.preventDefault();
    if (busy) { return; }
    busy = true;
    var value = button.value;
    var active = document.activeElement && document.activeElement.id;
    var added = /^add_section-(\d+)$/.exec(value);
    var focus = active || null;
    if (value === "add_part") {
      focus = function () { return firstField(last(form.querySelectorAll("fieldset.part"))); };
    } else if (added) {
      focus = function () {
        var part = document.getElementById("p" + added[1]);
        return firstField(part && last(part.querySelectorAll("fieldset.section")));
      };
    } else if (/^remove_/.test(value)) {
      focus = "add-part";
    }
    post(value).then(function (doc) { swap(doc, focus); }).catch(function () {
      // The background post failed: send the form the ordinary way.
      bypass = true;
      if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
    }).then(function () { busy = false; });
  });

  function refreshCounts() {
    post("refresh").then(function (doc) {
      var fresh = doc.querySelectorAll(".matches, #total");
      Array.prototype.forEach.call(fresh, function (p) {
        var old = document.getElementById(p.id);
        if (old && old.textContent !== p.textContent) { old.textContent = p.textContent; }
      });
    }).catch(function () { /* the button "update the counts" still works */ });
  }

  form.addEventListener("change", function (event) {
    var el = event.target;
    if (el.closest("[data-refresh=form]")) {
      var id = el.id;
      post("refresh").then(function (doc) { swap(doc, id); }).catch(function () {});
      return;
    }
    if (el.closest("fieldset.section")) {
      window.clearTimeout(timer);
      timer = window.setTimeout(refreshCounts, 250);
    }
  });
})();
