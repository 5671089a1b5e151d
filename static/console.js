// The proctor's console refreshes its progress table every 10 seconds while the tab is
// visible. Without this script the console still works: reload the page.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-refresh");
  function refresh() {
    if (document.hidden) { return; }
    // Do not replace the table while the proctor is using a button in it.
    if (box.contains(document.activeElement) && document.activeElement !== document.body) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#progress");
        if (fresh) { box.innerHTML = fresh.innerHTML; }
      })
      .catch(function () { /* a weak network: try again at the next tick */ });
  }
  window.setInterval(refresh, 10000);
  document.addEventListener("visibilitychange", refresh);
})();
