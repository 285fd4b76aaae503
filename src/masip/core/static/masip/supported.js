// Marks the page as able to run GOV.UK Frontend's JavaScript (replaces the
// inline snippet from the GOV.UK template, which a strict CSP forbids).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
