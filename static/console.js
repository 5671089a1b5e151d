// The proctor's console refreshes its progress table every 10 seconds while the tab is
// visible, and stops once the session is closed (the table then comes without its refresh
// address). Without this script the console still works: reload the page.
(function () {
  "use strict";
  var box = document.getElementById("progress");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-refresh");
  if (!url) { return; }
  var timer;
  function refresh() {
    if (!url || document.hidden) { return; }
    // Do not replace the table while the proctor is using a button in it.
    if (box.contains(document.activeElement) && document.activeElement !== document.body) { return; }
    fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#progress");
        if (!fresh) { return; }
        box.innerHTML = fresh.innerHTML;
        if (!fresh.getAttribute("data-refresh")) {
          // Closed: nothing changes any more.
          url = null;
          box.removeAttribute("data-refresh");
          window.clearInterval(timer);
          document.removeEventListener("visibilitychange", refresh);
        }
      })
      .catch(function () { /* a weak network: try again at the next tick */ });
  }
  timer = window.setInterval(refresh, 10000);
  document.addEventListener("visibilitychange", refresh);
})();
