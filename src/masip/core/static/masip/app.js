import { initAll } from "../vendor/govuk/govuk-frontend.min.js";

initAll();

// Conditional reveals for radio groups marked data-masip-reveals: each radio
// with data-reveals="ID" shows that block while it is checked. (GOV.UK's own
// radios module sets aria-expanded on the radio input, which ARIA does not
// allow for role=radio, so axe-core reports it.)
function syncReveals(group) {
  for (const radio of group.querySelectorAll("input[type=radio][data-reveals]")) {
    const block = document.getElementById(radio.dataset.reveals);
    if (block) block.classList.toggle("govuk-radios__conditional--hidden", !radio.checked);
  }
}

function initReveals(scope) {
  for (const group of scope.querySelectorAll("[data-masip-reveals]")) {
    syncReveals(group);
    group.addEventListener("change", () => syncReveals(group));
  }
}

initReveals(document);

// htmx swaps in new markup: start GOV.UK components and reveals inside it too.
document.body.addEventListener("htmx:afterSwap", (event) => {
  initAll({ scope: event.target });
  initReveals(event.target);
});
