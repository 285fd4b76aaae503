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

// Idle timeout warning: two minutes before the session ends (or a quarter of
// its length if shorter), offer to stay signed in; at the end, sign out.
function initTimeoutWarning() {
  const seconds = Number(document.body.dataset.sessionTimeout || 0);
  const dialog = document.getElementById("session-timeout");
  if (!seconds || !dialog) return;
  const warnBefore = Math.min(120, Math.floor(seconds / 4));
  const countdown = dialog.querySelector("[data-countdown]");
  const signOut = document.getElementById("session-timeout-sign-out");
  const stay = dialog.querySelector("[data-keep-alive]");
  let warnTimer, endTimer, tick;

  function describe(left) {
    if (left >= 60) {
      const minutes = Math.ceil(left / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${left} second${left === 1 ? "" : "s"}`;
  }

  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    clearInterval(tick);
    warnTimer = setTimeout(() => {
      let left = warnBefore;
      countdown.textContent = describe(left);
      dialog.showModal();
      tick = setInterval(() => {
        left -= 1;
        if (left >= 0) countdown.textContent = describe(left);
      }, 1000);
    }, (seconds - warnBefore) * 1000);
    endTimer = setTimeout(() => signOut.submit(), seconds * 1000);
  }

  stay.addEventListener("click", async () => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
    const response = await fetch(stay.dataset.keepAlive, { method: "POST", headers: { "X-CSRFToken": token } });
    if (response.ok) {
      dialog.close();
      schedule();
    } else {
      signOut.submit();
    }
  });
  // Any htmx request renews the session on the server, so restart the clock.
  document.body.addEventListener("htmx:afterRequest", schedule);
  schedule();
}

initTimeoutWarning();
