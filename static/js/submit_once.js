// One click is enough: a second one would only repeat the same request (the server answers a
// repeated recharge with the receipt already issued), so disable the button once the form is sent.
document.querySelectorAll("button[data-submit-once]").forEach(function (button) {
  button.form.addEventListener("submit", function (e) {
    if (button.disabled) { e.preventDefault(); return; }
    setTimeout(function () { button.disabled = true; }, 0);
  });
});
