// After htmx swaps a block in, the keyboard focus would fall back to <body>.
// The server marks where it should go instead (the invalid field, or the message).
document.addEventListener("htmx:afterSettle", function () {
  var target = document.querySelector("[data-autofocus]");
  if (!target) { return; }
  target.removeAttribute("data-autofocus");
  target.focus();
});
