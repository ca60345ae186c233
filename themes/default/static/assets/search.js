/* gazette search page: 文号 / 登记号 lookup first, then Pagefind full-text search.
 *
 * The lookup reads search/wenhao.json only, so typing a 文号 leads to its document without
 * loading any full-text index. normalise() reads a 文号 the way the Rust side does
 * (DocNumber::parse and DocNumber::parse_loose in src/content/doc_number.rs): keep the two in
 * step. Without JavaScript the search box still submits here, and the page says so.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = script.getAttribute("data-root") || "";
  var siteBase = new URL(root, window.location.href);
  var OPEN = "〔(（[［﹝【〖";
  var CLOSE = "〕)）]］﹞】〗";

  function asciiDigits(text) {
    return text.replace(/[０-９]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xff10 + 48);
    });
  }

  function isDigit(c) {
    return c >= "0" && c <= "9";
  }

  function normalisePrefix(prefix) {
    return prefix.replace(/\s+/g, "").replace(/\(/g, "（").replace(/\)/g, "）");
  }

  // DocNumber::parse: the normal form, or null.
  function parseStrict(text) {
    text = asciiDigits(text.trim());
    if (text.slice(-1) !== "号") return null;
    var body = Array.from(text.slice(0, -1));
    var k = body.length;
    while (k > 0 && isDigit(body[k - 1])) k--;
    if (k === body.length) return null;
    var seq = parseInt(body.slice(k).join(""), 10);
    if (!(seq > 0)) return null;
    var head = body.slice(0, k);
    if (head[head.length - 1] === "第") {
      var order = normalisePrefix(head.slice(0, -1).join(""));
      if (order.slice(-1) !== "令" || Array.from(order).length < 2) return null;
      return order + "第" + seq + "号";
    }
    var n = head.length;
    if (n < 6 || CLOSE.indexOf(head[n - 1]) < 0 || OPEN.indexOf(head[n - 6]) < 0) return null;
    var yearChars = head.slice(n - 5, n - 1);
    if (!yearChars.every(isDigit)) return null;
    var year = parseInt(yearChars.join(""), 10);
    var prefix = normalisePrefix(head.slice(0, n - 6).join(""));
    var onlyBrackets = Array.from(prefix).every(function (c) {
      return OPEN.indexOf(c) >= 0 || CLOSE.indexOf(c) >= 0;
    });
    if (!prefix || onlyBrackets || year < 1900 || year > 2999) return null;
    return prefix + "〔" + year + "〕" + seq + "号";
  }

  // DocNumber::parse_loose: also 温政发2019年16号, 温政发 2019 16, 号 left out.
  function normalise(input) {
    var chars = Array.from(asciiDigits(input.trim()));
    var squeezed = "";
    for (var i = 0; i < chars.length; i++) {
      var c = chars[i];
      if (!/\s/.test(c)) {
        squeezed += c;
      } else if (isDigit(squeezed.slice(-1))) {
        var next = chars.slice(i).find(function (x) { return !/\s/.test(x); });
        if (next && isDigit(next)) squeezed += "-";
      }
    }
    var found = parseStrict(squeezed);
    if (found) return found;
    var withHao = squeezed.slice(-1) === "号" ? squeezed : squeezed + "号";
    found = parseStrict(withHao);
    if (found) return found;
    var body = Array.from(withHao.slice(0, -1));
    var seqStart = body.length;
    while (seqStart > 0 && isDigit(body[seqStart - 1])) seqStart--;
    var k = seqStart;
    while (k > 0 && "年第-—/〕)）]］﹞】".indexOf(body[k - 1]) >= 0) k--;
    var yearOk = k >= 4 && body.slice(k - 4, k).every(isDigit);
    var p = yearOk ? k - 4 : 0;
    while (p > 0 && OPEN.indexOf(body[p - 1]) >= 0) p--;
    if (!yearOk || p === 0 || seqStart === body.length) return null;
    return parseStrict(body.slice(0, p).join("") + "〔" + body.slice(k - 4, k).join("") + "〕" +
      body.slice(seqStart).join("") + "号");
  }

  function registration(input) {
    var t = asciiDigits(input.trim()).toUpperCase().replace(/\s+/g, "");
    return /^[A-Z]{4}\d{2}-\d{4}-\d{4}$/.test(t) ? t : null;
  }

  // A key for partial matching: digits and characters only, no brackets or 年/第/号.
  function key(text) {
    return asciiDigits(text || "").replace(/[\s〔〕()（）\[\]［］﹝﹞【】〖〗年第号\-]/g, "").toUpperCase();
  }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  function showCandidates(box, query, list, exactMiss) {
    box.textContent = "";
    if (exactMiss) {
      box.appendChild(el("p", { "class": "wenhao-miss" }, "本库未收录 " + exactMiss + "。"));
    }
    if (list.length) {
      box.appendChild(el("h2", {}, "文号、登记号匹配（" + list.length + "）"));
      var ol = el("ol", { "class": "wenhao-list" });
      list.slice(0, 50).forEach(function (e) {
        var li = el("li");
        var a = el("a", { href: new URL(e.u, siteBase).href }, e.t);
        if (e.n) li.appendChild(el("span", { "class": "doc-number" }, e.n));
        li.appendChild(a);
        if (e.r) li.appendChild(el("span", { "class": "registration" }, e.r));
        ol.appendChild(li);
      });
      box.appendChild(ol);
    }
    box.hidden = !box.firstChild;
  }

  function lookup(query, done) {
    var url = new URL(script.getAttribute("data-lookup"), siteBase);
    fetch(url).then(function (r) { return r.json(); }).then(function (rows) {
      var number = normalise(query);
      var reg = registration(query);
      var exact = rows.find(function (e) {
        return (number && e.n === number) || (reg && e.r === reg);
      });
      if (exact) {
        window.location.replace(new URL(exact.u, siteBase).href);
        return;
      }
      var tokens = query.split(/\s+/).map(key).filter(Boolean);
      var looksLikeNumber = /[0-9０-９]/.test(query) || rows.some(function (e) {
        return e.n && tokens.length && key(e.n).indexOf(tokens[0]) === 0;
      });
      var list = !looksLikeNumber ? [] : rows.filter(function (e) {
        var k = key(e.n) + " " + key(e.r);
        return tokens.every(function (t) { return k.indexOf(t) >= 0; });
      });
      done(list, number || reg);
    }).catch(function () { done([], null); });
  }

  function startFulltext(query, year) {
    var holder = document.getElementById("fulltext");
    if (!holder || typeof PagefindUI === "undefined") return;
    var bundles = (script.getAttribute("data-bundles") || "").split(" ").filter(Boolean);
    if (year) {
      bundles = bundles.filter(function (b) { return b.indexOf("/" + year + "/") >= 0; });
    }
    if (!bundles.length) return;
    var baseUrl = siteBase.pathname;
    var abs = function (b) { return new URL(b, siteBase).pathname; };
    var ui = new PagefindUI({
      element: "#fulltext",
      bundlePath: abs(bundles[0]),
      baseUrl: baseUrl,
      mergeIndex: bundles.slice(1).map(function (b) {
        return { bundlePath: abs(b), baseUrl: baseUrl };
      }),
      showImages: false,
      showSubResults: false,
      excerptLength: 60,
      resetStyles: false,
      pageSize: 10
    });
    if (query) ui.triggerSearch(query);
  }

  var params = new URLSearchParams(window.location.search);
  var query = (params.get("q") || "").trim();
  var year = (params.get("year") || "").trim();
  var form = document.querySelector(".search-form");
  if (form) {
    form.elements.q.value = query;
    if (form.elements.year) form.elements.year.value = year;
  }
  var header = document.getElementById("site-q");
  if (header) header.value = query;
  var box = document.getElementById("wenhao-results");
  if (!query) {
    startFulltext("", year);
    return;
  }
  lookup(query, function (list, miss) {
    showCandidates(box, query, list, miss && !list.length ? miss : null);
    startFulltext(query, year);
  });

  window.gazetteSearch = { normalise: normalise };
})();
