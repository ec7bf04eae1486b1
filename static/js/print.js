// The print view opens the browser's print dialog once it has drawn (no inline script: CSP).
window.addEventListener("load", function () {
  "use strict";
  // S3 4.3: the printout keeps an "Imprimir" button for when the dialog was closed.
  var button = document.querySelector(".print-button");
  if (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  }
  if (new URLSearchParams(window.location.search).get("dialog") !== "0") {
    window.print();
  }
});
