// Reloads the page when gazette serve has rebuilt the site.
(function () {
  var script = document.currentScript;
  var seen = script ? script.getAttribute("data-version") : null;
  function poll() {
    fetch("/__gazette/status", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (seen !== null && String(s.version) !== seen) {
          location.reload();
          return;
        }
        seen = String(s.version);
        setTimeout(poll, 400);
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
