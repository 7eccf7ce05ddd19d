// cpdaudit serve: the run page's live progress bar. Everything else works
// without script. Server-sent events from this server only (the page's
// Content-Security-Policy allows nothing else).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("progress");
  if (!box || !box.getAttribute("data-running")) return;
  if (!window.EventSource) {
    // Browsers without server-sent events reload the page instead.
    setTimeout(function () { window.location.reload(); }, 2000);
    return;
  }
  var bar = document.getElementById("bar");
  var stage = document.getElementById("stage");
  var count = document.getElementById("count");
  var es = new EventSource(box.getAttribute("data-events"));
  es.onmessage = function (e) {
    var st = JSON.parse(e.data);
    if (!st.running) {
      es.close();
      if (!st.error) { window.location.assign(box.getAttribute("data-done")); } else { window.location.reload(); }
      return;
    }
    stage.textContent = st.stage;
    if (st.total > 0) {
      bar.max = st.total;
      bar.value = st.done;
      count.textContent = st.done + " of " + st.total;
    } else {
      bar.removeAttribute("value");
      count.textContent = "";
    }
  };
  es.onerror = function () { es.close(); setTimeout(function () { window.location.reload(); }, 2000); };
});
