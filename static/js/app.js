// Behaviour shared by every page. No inline scripts: the Content Security Policy forbids them.
(function () {
  "use strict";

  // A second click on a submit button while the first request is on its way would post the
  // form twice (two tickets, two replies). Disable the buttons once the form is on its way;
  // after the event, so the clicked button's own name and value are still sent.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.hasAttribute("data-allow-resubmit")) {
      return;
    }
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
      form.setAttribute("aria-busy", "true");
    }, 0);
  });

  // Coming back with the browser's Back button shows the page from its cache: enable again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      document.querySelectorAll("form[aria-busy=true]").forEach(function (form) {
        form.removeAttribute("aria-busy");
        form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
          b.disabled = false;
        });
      });
    }
  });
})();
