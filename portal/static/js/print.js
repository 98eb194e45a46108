// The slip's "Print" button: shown only when JavaScript can run it (no inline handlers under the CSP).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
