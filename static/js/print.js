// The print view opens the browser's print dialog once it has drawn (no inline script: CSP).
window.addEventListener("load", function () {
  "use strict";
  if (new URLSearchParams(window.location.search).get("dialog") !== "0") {
    window.print();
  }
});
