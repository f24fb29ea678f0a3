// The quiz page: "n of N answered" as answers are chosen, and the time left before the deadline.
// Everything here is an enhancement: without JavaScript the server counts the answers and asks before
// grading a quiz with unanswered questions, and the deadline is shown as a time.
(function () {
  "use strict";
  var form = document.querySelector("form.quiz");
  if (!form) { return; }
  var total = Number(form.getAttribute("data-total"));
  var count = form.querySelector(".answered-count");

  // A question is answered when one of its options is chosen, or, for an ordering question, when every
  // step has a place.
  function answered() {
    var count = 0;
    form.querySelectorAll("fieldset.question").forEach(function (question) {
      var selects = question.querySelectorAll("select[name^='q-']");
      if (selects.length) {
        if (Array.prototype.every.call(selects, function (select) { return select.value !== ""; })) { count += 1; }
      } else if (question.querySelector("input[name^='q-']:checked")) {
        count += 1;
      }
    });
    return count;
  }
  function update() { if (count) { count.textContent = String(answered()); } }
  form.addEventListener("change", update);
  update();

  var clock = document.querySelector(".quiz-clock");
  if (clock) {
    var deadline = new Date(clock.getAttribute("data-deadline")).getTime();
    // The words come from the page, in its language: "Time left: {minutes} min {seconds} s."
    var timeLeft = clock.getAttribute("data-time-left") || "Time left: {minutes} min {seconds} s.";
    var timeUp = clock.getAttribute("data-time-up") || "Time is up: answers sent now are not counted.";
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var minutes = Math.floor(left / 60);
      clock.textContent = left > 0
        ? timeLeft.replace("{minutes}", String(minutes)).replace("{seconds}", String(left % 60).padStart(2, "0"))
        : timeUp;
      if (left === 0) { window.clearInterval(timer); }
    };
    clock.hidden = false;
    tick();
    var timer = window.setInterval(tick, 1000);
  }
}());
