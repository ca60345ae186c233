/* gazette validity states for the reader's own date.
 *
 * Pages print each document's state as of the build's reference date. This script recomputes
 * it for today from the element's data attributes, with the rules of src/validity.rs:
 * a declared state (data-declared) wins from data-declared-date on; otherwise before
 * data-valid-from 尚未施行, after data-valid-until 已失效, in between 有效, no dates 状态不明.
 * On the register (/normative/) it also filters the table by state and issuer.
 */
(function () {
  "use strict";
  var LABELS = {
    "in-force": "有效",
    "not-yet": "尚未施行",
    "expired": "已失效",
    "repealed": "已废止",
    "unknown": "状态不明"
  };
  var params = new URLSearchParams(window.location.search);
  var now = new Date();
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var today = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  // ?date=2020-06-30 shows the states on another day.
  var asked = /^(\d{4})-(\d{2})-(\d{2})$/.exec(params.get("date") || "");
  if (asked) today = asked[0];
  var parts = today.split("-");
  var todayCn = +parts[0] + "年" + +parts[1] + "月" + +parts[2] + "日";
  var whose = asked ? "按所选日期计算" : "按本机日期计算";

  function stateOn(e, date) {
    var declared = e.getAttribute("data-declared");
    var declaredDate = e.getAttribute("data-declared-date");
    if (declared && (!declaredDate || declaredDate <= date)) return declared;
    var from = e.getAttribute("data-valid-from");
    var until = e.getAttribute("data-valid-until");
    if (from && date < from) return "not-yet";
    if (until && date > until) return "expired";
    if (!from && !until) return "unknown";
    return "in-force";
  }

  var items = Array.prototype.slice.call(document.querySelectorAll("[data-validity]"));
  items.forEach(function (e) {
    var state = stateOn(e, today);
    e.className = e.className.replace(/\bstatus-[a-z-]+/g, "").trim() + " status-" + state;
    e.setAttribute("data-state", state);
    var label = e.querySelector(".validity-label");
    if (label) label.textContent = LABELS[state];
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-asof]"), function (e) {
    var built = e.querySelector("time");
    var note = built ? "（" + whose + "；网站生成时状态截至" + built.textContent + "）" : "";
    e.textContent = "状态截至" + todayCn + note;
  });

  var filters = document.querySelector("[data-register-filters]");
  if (!filters) return;
  var state = filters.querySelector("[data-filter=state]");
  var issuer = filters.querySelector("[data-filter=issuer]");
  var shown = filters.querySelector("[data-shown]");
  function counts() {
    Object.keys(LABELS).forEach(function (code) {
      var c = document.querySelector("[data-count=" + code + "]");
      if (c) {
        c.textContent = items.filter(function (e) {
          return e.getAttribute("data-state") === code;
        }).length;
      }
    });
  }
  function apply() {
    var n = 0;
    items.forEach(function (e) {
      var issuers = (e.getAttribute("data-issuers") || "").split("|");
      var ok = (!state.value || e.getAttribute("data-state") === state.value) &&
        (!issuer.value || issuers.indexOf(issuer.value) >= 0);
      e.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = "显示 " + n + " / " + items.length + " 件";
  }
  if (params.get("state")) state.value = params.get("state");
  if (params.get("issuer")) issuer.value = params.get("issuer");
  state.addEventListener("change", apply);
  issuer.addEventListener("change", apply);
  filters.addEventListener("submit", function (ev) { ev.preventDefault(); });
  filters.hidden = false;
  counts();
  apply();
})();
