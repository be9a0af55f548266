// Long work done a chunk at a time (the batch key change): the page sends its form again by
// itself while it stays open. The form's button does the same without script.
document.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
  setTimeout(function () { form.submit(); }, 300);
});
