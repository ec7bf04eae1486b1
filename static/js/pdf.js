// The wait page's status comes from htmx (templates/print/_pdf_status.html); once it shows the
// download link, follow it: a download is a navigation, which htmx does not make. No inline
// scripts (CSP).
(function () {
  "use strict";
  window.htmx.onLoad(function (content) {
    var link = content.matches("a[data-download-now]") ? content : content.querySelector("a[data-download-now]");
    if (link) {
      window.location.href = link.href;
    }
  });
})();
