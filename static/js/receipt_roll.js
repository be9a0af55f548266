// A roll has no page height: print on a page as tall as the receipt, not a sheet of 297 mm.
(function () {
  function fit() {
    const body = document.body, margin = Number(body.dataset.marginMm);
    const mm = document.getElementById("paper").getBoundingClientRect().height * 25.4 / 96 + 2 * margin + 2;
    let style = document.getElementById("roll-page");
    if (!style) { style = document.createElement("style"); style.id = "roll-page"; document.head.appendChild(style); }
    style.textContent = "@page { size: " + body.dataset.rollMm + "mm " + mm.toFixed(1) + "mm; margin: " + margin + "mm; }";
  }
  window.addEventListener("beforeprint", fit);
  document.getElementById("print").addEventListener("click", function () { fit(); window.print(); });
})();
