// The PDF is made by a worker: ask how it goes, then download it. No inline scripts (CSP).
(function () {
  "use strict";
  var box = document.querySelector(".pdf-wait");
  if (!box) {
    return;
  }
  var tries = 0;
  function show(selector) {
    box.querySelector(selector).classList.remove("d-none");
    box.querySelector(".spinner-border").classList.add("d-none");
    box.querySelector(".pdf-hint").classList.add("d-none");
  }
  function ask() {
    tries += 1;
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json();
      })
      .then(function (answer) {
        if (answer.status === "ready") {
          show(".pdf-ready");
          window.location.href = box.dataset.downloadUrl;
        } else if (answer.status === "failed") {
          show(".pdf-failed");
        } else if (tries < 120) {
          window.setTimeout(ask, 1000);
        }
      })
      .catch(function () {
        window.setTimeout(ask, 2000);
      });
  }
  ask();
})();
