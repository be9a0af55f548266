// A receipt's page: every browser print is recorded before it happens, and the paper says
// COPIA unless it is the receipt's first paper (a PDF downloaded before counts too).
(function () {
  "use strict";
  const body = document.body;
  const url = body.dataset.printUrl;
  if (!url) return;
  const mark = document.getElementById("copy-mark");

  function record() {
    // Synchronous on purpose: the browser prints right after this handler returns, and the
    // paper must carry the server's answer (original or COPIA).
    const xhr = new XMLHttpRequest();
    try {
      xhr.open("POST", url, false);
      xhr.setRequestHeader("X-CSRFToken", body.dataset.csrf);
      xhr.send();
    } catch (e) { /* offline: handled below */ }
    if (xhr.status === 200) {
      mark.hidden = !JSON.parse(xhr.responseText).copy;
      body.classList.add("can-print");
    } else {
      // Not recorded: print the hint, not a paper the receipt's history does not know.
      body.classList.remove("can-print");
    }
  }

  // A roll has no page height: print on a page as tall as the receipt, not a 297 mm sheet.
  let pageRule = null;
  function fit() {
    const roll = Number(body.dataset.rollMm);
    if (!roll) return;
    const margin = Number(body.dataset.marginMm);
    const mm = document.getElementById("paper").getBoundingClientRect().height * 25.4 / 96 + 2 * margin + 2;
    const sheet = Array.from(document.styleSheets).find(function (s) { return s.href && s.href.indexOf("receipt-" + roll + "mm") !== -1; });
    if (!sheet) return;
    if (pageRule !== null) sheet.deleteRule(pageRule);
    pageRule = sheet.insertRule("@page { size: " + roll + "mm " + mm.toFixed(1) + "mm; margin: " + margin + "mm; }", sheet.cssRules.length);
  }

  body.classList.add("can-print");
  window.addEventListener("beforeprint", function () { record(); fit(); });
  document.getElementById("print").addEventListener("click", function () { window.print(); });
})();
