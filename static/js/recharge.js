// The new-receipt page (billing/new.html): fill the customer in as the identification is typed,
// show what the amount buys, and keep the caret where the cashier types next. The page works
// without this file: Enter submits the form and the server puts the caret on the next field.
(function () {
  "use strict";
  const form = document.getElementById("recharge-form");
  if (!form) return;
  const ident = document.getElementById("id_identification");
  const amount = document.getElementById("id_amount");
  const meter = document.getElementById("id_meter");
  const name = document.getElementById("customer-name");
  const preview = document.getElementById("kwh-preview");
  const identError = document.getElementById("identification-error");
  const amountError = document.getElementById("amount-error");
  let known = {value: null, data: null};  // the last identification looked up and its answer

  function debounce(fn) {
    let t;
    const d = function () { clearTimeout(t); t = setTimeout(fn, 250); };
    d.cancel = function () { clearTimeout(t); };
    return d;
  }
  async function getJSON(url, params) {
    const r = await fetch(url + "?" + new URLSearchParams(params), {headers: {"Accept": "application/json"}});
    return r.json();
  }
  function showError(input, box, text) {
    input.classList.toggle("is-invalid", !!text);
    box.textContent = text || "";
  }
  function fillCustomer(data) {
    name.value = data && data.found ? data.name : "";
    const meters = (data && data.meters) || [];
    const chosen = meter.value;  // kept if it is still one of the customer's meters
    const options = meters.map(function (m) { return new Option(m.drn, m.id, false, String(m.id) === chosen); });
    // Several meters: the cashier must choose one, none is chosen for them.
    if (meters.length > 1) options.unshift(new Option(meter.dataset.chooseLabel, "", false, !chosen));
    meter.replaceChildren(...options);
    showError(ident, identError, data ? data.error : "");
  }
  async function lookupNow() {
    const value = ident.value.trim();
    if (!value) { known = {value: null, data: null}; fillCustomer(null); return null; }
    if (known.value === value) return known.data;
    const data = await getJSON(form.dataset.lookupUrl, {identification: value});
    if (ident.value.trim() !== value) return null;  // typed on meanwhile: a newer lookup follows
    known = {value: value, data: data};
    fillCustomer(data);
    return data;
  }
  const lookup = debounce(lookupNow);
  const quote = debounce(async function () {
    const value = amount.value.trim();
    if (!value) { preview.textContent = ""; showError(amount, amountError, ""); return; }
    const data = await getJSON(form.dataset.quoteUrl, {amount: value});
    if (amount.value.trim() !== value) return;
    preview.textContent = data.ok ? data.kwh_display + " · " + data.total_display : "";
    showError(amount, amountError, data.ok ? "" : data.error);
  });

  // Enter in the identification: find the customer without reloading the page, then go on to
  // the meter (several to choose from) or straight to the amount.
  ident.addEventListener("keydown", async function (e) {
    if (e.key !== "Enter") return;
    e.preventDefault();
    lookup.cancel();
    const value = ident.value.trim();
    if (known.value !== value) amount.focus();  // the digits typed while we ask go to the amount
    const data = await lookupNow();
    if (!data || ident.value.trim() !== value) return;
    if (!data.found || data.error) {
      if (!amount.value.trim()) ident.focus();
    } else if (data.meters.length > 1 && !meter.value) {
      if (!amount.value.trim()) meter.focus();
    } else {
      amount.focus();
    }
  });
  // Enter on the meter list: the meter is chosen, on to the amount.
  meter.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && meter.value) { e.preventDefault(); amount.focus(); }
  });
  // Enter in the amount submits the form (its first, hidden button): the server goes on to the
  // confirmation when everything is typed, or puts the caret on what is missing.
  ident.addEventListener("input", lookup);
  amount.addEventListener("input", quote);
  if (amount.value.trim()) quote();
})();
