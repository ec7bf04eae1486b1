// Guided attendance: the department a plan routes to, the duration of a service order, and
// the e-mail form's recipient buttons and templates.
(function () {
  "use strict";

  function showRouting(select) {
    var output = document.querySelector("[data-routes-to-output]");
    if (!output) {
      return;
    }
    function refresh() {
      var option = select.options[select.selectedIndex];
      var department = option ? option.dataset.routesTo : "";
      output.textContent = department ? output.dataset.label.replace("__DEPARTMENT__", department) : "";
    }
    select.addEventListener("change", refresh);
    refresh();
  }

  function minutesOf(value) {
    var parts = (value || "").split(":");
    return parts.length < 2 ? null : Number(parts[0]) * 60 + Number(parts[1]);
  }

  function showDuration(form) {
    var start = form.querySelector("input[name=start]");
    var end = form.querySelector("input[name=end]");
    var output = form.querySelector("[data-duration]");
    function refresh() {
      var from = minutesOf(start.value);
      var to = minutesOf(end.value);
      if (from === null || to === null || to <= from) {
        output.textContent = "—";
        return;
      }
      var minutes = to - from;
      output.textContent = Math.floor(minutes / 60) + " h " + String(minutes % 60).padStart(2, "0") + " min";
    }
    start.addEventListener("input", refresh);
    end.addEventListener("input", refresh);
    refresh();
  }

  function emailForm(form) {
    var boxes = form.querySelectorAll("input[name=recipients]");
    form.querySelectorAll("[data-select]").forEach(function (button) {
      button.addEventListener("click", function () {
        boxes.forEach(function (box) {
          var how = button.dataset.select;
          box.checked = how === "all" ? true : how === "none" ? false : !box.checked;
        });
      });
    });
    var source = document.getElementById("email-templates");
    var chooser = form.querySelector("select[name=template]");
    if (!source || !chooser) {
      return;
    }
    var templates = JSON.parse(source.textContent);
    chooser.addEventListener("change", function () {
      var chosen = templates[chooser.value];
      if (chosen) {
        form.querySelector("[name=subject]").value = chosen.subject;
        form.querySelector("[name=body]").value = chosen.body;
      }
    });
  }

  document.querySelectorAll("[data-plan-select]").forEach(showRouting);
  document.querySelectorAll("[data-service-order]").forEach(showDuration);
  document.querySelectorAll("[data-ticket-email]").forEach(emailForm);
})();
