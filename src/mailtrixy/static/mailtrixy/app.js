// The conversation header's right-panel toggle: shows or hides the details panel and
// remembers the choice for the next conversation.
(function () {
  "use strict";
  const KEY = "mailtrixy.detailsPanel";
  function apply(button, panel, open) {
    panel.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    button.title = open ? "Hide details" : "Show details";
    document.body.classList.toggle("panel-open", open);
  }
  document.addEventListener("DOMContentLoaded", function () {
    const button = document.querySelector("[data-panel-toggle]");
    if (!button) return;
    const panel = document.getElementById(button.getAttribute("aria-controls"));
    apply(button, panel, localStorage.getItem(KEY) === "open");
    button.addEventListener("click", function () {
      const open = panel.hidden;
      localStorage.setItem(KEY, open ? "open" : "closed");
      apply(button, panel, open);
    });
  });
})();
// "Copy" buttons beside values an admin pastes into Salesforce.
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const source = document.getElementById(button.getAttribute("data-copy-target"));
  navigator.clipboard.writeText(source.textContent.trim()).then(function () {
    button.textContent = "Copied";
  });
});
