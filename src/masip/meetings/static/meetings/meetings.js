// The meeting page swaps the case panel with htmx. After a swap, move focus where a
// keyboard or screen-reader user needs it: an error summary, else the confirmation,
// else the new case's heading.
document.body.addEventListener("htmx:afterSettle", (event) => {
  const panel = document.getElementById("current-item");
  if (!panel || !(event.detail.target && event.detail.target.id === "current-item")) return;
  const target =
    panel.querySelector(".govuk-error-summary") ||
    panel.querySelector("[data-saved]") ||
    document.getElementById("current-item-heading");
  if (target) {
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }
});
