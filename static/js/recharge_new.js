// The cashier's shortcuts: fill the customer in as the identification is typed, and show what
// the amount buys. The page works without this: the buttons submit the same form.
(function () {
  const form = document.getElementById("recharge-form");
  const ident = document.getElementById("id_identification");
  const amount = document.getElementById("id_amount");
  const meter = document.getElementById("id_meter");
  const name = document.getElementById("customer-name");
  const preview = document.getElementById("kwh-preview");
  const identError = document.getElementById("identification-error");
  const amountError = document.getElementById("amount-error");
  function debounce(fn) { let t; return function () { clearTimeout(t); t = setTimeout(fn, 250); }; }
  async function getJSON(url, params) {
    const r = await fetch(url + "?" + new URLSearchParams(params), {headers: {"Accept": "application/json"}});
    return r.json();
  }
  function showError(input, box, text) {
    input.classList.toggle("is-invalid", !!text);
    box.textContent = text || "";
  }
  const lookup = debounce(async function () {
    const value = ident.value.trim();
    if (!value) { name.value = ""; meter.replaceChildren(); showError(ident, identError, ""); return; }
    const data = await getJSON(form.dataset.lookupUrl, {identification: value});
    if (ident.value.trim() !== value) return;
    name.value = data.found ? data.name : "";
    meter.replaceChildren(...(data.meters || []).map(function (m) { return new Option(m.drn, m.id); }));
    showError(ident, identError, data.error);
  });
  const quote = debounce(async function () {
    const value = amount.value.trim();
    if (!value) { preview.textContent = ""; showError(amount, amountError, ""); return; }
    const data = await getJSON(form.dataset.quoteUrl, {amount: value});
    if (amount.value.trim() !== value) return;
    preview.textContent = data.ok ? data.kwh_display + " · " + data.total_display : "";
    showError(amount, amountError, data.ok ? "" : data.error);
  });
  // Enter in the amount means "continue" (without script the first button, Buscar, answers).
  amount.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { e.preventDefault(); form.querySelector("button[value=confirm]").click(); }
  });
  ident.addEventListener("input", lookup);
  amount.addEventListener("input", quote);
  if (ident.value.trim()) lookup();
  if (amount.value.trim()) quote();
})();
