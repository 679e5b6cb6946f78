// A visible countdown for timed quizzes. The server enforces the limit; without
// JavaScript the deadline is shown as text.
(function () {
  var box = document.getElementById('deadline');
  var out = document.getElementById('countdown');
  if (!box || !out) return;
  var end = Date.parse(box.getAttribute('data-deadline'));
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    out.textContent = '(' + Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0') + ')';
    if (left > 0) setTimeout(tick, 1000);
  }
  tick();
})();
