// The phone menu (templates/base.html): the "Menú" button folds and unfolds the list; Escape
// folds it back and returns to the button. From 768 px the list is always shown (aom.css).
(function () {
  "use strict";
  const button = document.querySelector(".aom-menu-toggle");
  const menu = document.getElementById("aom-menu");
  if (!button || !menu) return;
  function setOpen(open) {
    menu.classList.toggle("show", open);
    button.setAttribute("aria-expanded", String(open));
  }
  button.addEventListener("click", function () { setOpen(!menu.classList.contains("show")); });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && menu.classList.contains("show") && button.offsetParent !== null) {
      setOpen(false);
      button.focus();
    }
  });
})();
