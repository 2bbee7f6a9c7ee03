// Small progressive enhancement; every page works without it.
// Ticking a facet checkbox re-runs the search, and focus returns to the same checkbox.
(function () {
  "use strict";
  var KEY = "vawg-focus";
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("autosubmit") || !box.form) return;
    try { sessionStorage.setItem(KEY, box.name + "=" + box.value); } catch (e) { /* private mode */ }
    box.form.requestSubmit ? box.form.requestSubmit() : box.form.submit();
  });
  document.addEventListener("DOMContentLoaded", function () {
    var wanted = null;
    try { wanted = sessionStorage.getItem(KEY); sessionStorage.removeItem(KEY); } catch (e) { return; }
    if (!wanted) return;
    var boxes = document.querySelectorAll("input.autosubmit");
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].name + "=" + boxes[i].value === wanted) { boxes[i].focus(); break; }
    }
  });
})();
