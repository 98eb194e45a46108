// Counter mode: after a minute without a touch or a key, go back to the first step,
// so the next person never sees what the previous one typed.
(function () {
  var main = document.querySelector("[data-reset-url]");
  if (!main) { return; }
  var url = main.getAttribute("data-reset-url");
  var delay = (parseInt(main.getAttribute("data-reset-seconds"), 10) || 60) * 1000;
  var timer = null;
  function restart() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { window.location.replace(url); }, delay);
  }
  ["pointerdown", "keydown", "input", "scroll", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, restart, { passive: true });
  });
  restart();
})();
