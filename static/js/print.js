// The print buttons of the printable pages (no inline handlers: the Content-Security-Policy forbids them).
document.querySelectorAll("button[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
