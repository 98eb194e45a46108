// Counter mode: after a minute without a touch or a key, go back to the first step,
// so the next person never sees what the previous one typed. The last 10 seconds
// count down on screen with "I am still here" to stay. After a reset, pages kept in
// the browser's history (Back) lead to the first step, never to the previous
// person's slot or form.
(function () {
  var main = document.querySelector("[data-reset-url]");
  if (!main) { return; }
  var url = main.getAttribute("data-reset-url");
  var seconds = parseInt(main.getAttribute("data-reset-seconds"), 10) || 60;
  var warning = parseInt(main.getAttribute("data-warn-seconds"), 10) || 10;
  var box = document.getElementById("counter-countdown");
  var number = box && box.querySelector("[data-countdown]");
  var stay = box && box.querySelector("button");
  var RESETS = "comptoir-counter-resets";

  function resets() { return parseInt(window.sessionStorage.getItem(RESETS) || "0", 10); }

  // Each page remembers how many resets had happened when it was first shown.
  var state = window.history.state || {};
  if (typeof state.counterResets !== "number") {
    state.counterResets = resets();
    window.history.replaceState(state, "");
  }
  function stale() {
    var shown = (window.history.state || {}).counterResets;
    return typeof shown === "number" && shown < resets();
  }
  if (stale()) { window.location.replace(url); return; }
  window.addEventListener("pageshow", function () { if (stale()) { window.location.replace(url); } });

  var left = seconds;
  function hide() { if (box && !box.hidden) { box.hidden = true; } }
  function reset() {
    window.sessionStorage.setItem(RESETS, String(resets() + 1));
    window.location.replace(url);
  }
  function restart() { left = seconds; hide(); }
  function tick() {
    left -= 1;
    if (left <= 0) { reset(); return; }
    if (left <= warning && box) {
      number.textContent = String(left);
      if (box.hidden) { box.hidden = false; if (stay) { stay.focus(); } }
    }
  }
  if (stay) { stay.addEventListener("click", restart); }
  ["pointerdown", "keydown", "input", "scroll", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, restart, { passive: true });
  });
  window.setInterval(tick, 1000);
})();
