// The workbench's only script: refresh a campaign's sending progress every few seconds while it runs.
(function () {
  var box = document.getElementById("progress");
  if (!box) return;
  var url = box.getAttribute("data-url");
  function update() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (p) {
      ["sent", "total", "failed", "pending"].forEach(function (k) {
        var el = box.querySelector('[data-k="' + k + '"]');
        if (el) el.textContent = p[k];
      });
      var bar = box.querySelector("progress");
      if (bar) { bar.max = p.total || 1; bar.value = p.sent; }
      if (p.pending > 0) setTimeout(update, 3000);
    }).catch(function () { setTimeout(update, 10000); });
  }
  setTimeout(update, 1000);
})();
