// The confirmation page (billing/confirm.html): one press of RECARGAR is enough. A second one
// would only get the same receipt back (same idempotency key), but say so at once.
(function () {
  "use strict";
  const form = document.getElementById("issue-form");
  const button = document.getElementById("recargar");
  if (!form || !button) return;
  form.addEventListener("submit", function (e) {
    if (button.disabled) { e.preventDefault(); return; }
    setTimeout(function () { button.disabled = true; }, 0);
  });
  // Back to this page from the browser's cache: the button works again (the server then says
  // that this receipt was already issued) and has the caret, as on a first load.
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { button.disabled = false; button.focus(); }
  });
})();
