// The bulk bar of a queue or a search (templates/workspace/_bulk_bar.html): ticking the
// header box ticks every row of the page; then "select all N tickets that match" chooses
// every ticket of the list (the server reads the list again). Texts come from data attributes.
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form) {
    return;
  }
  var data = form.dataset;
  var pageBox = document.querySelector(".bulk-page");
  var every = form.querySelector(".bulk-every");
  var everyField = form.querySelector("input[name=every_match]");
  var chosen = form.querySelector(".bulk-chosen");

  function boxes() {
    return Array.prototype.slice.call(document.querySelectorAll(".bulk-pick"));
  }

  function matchCount() {
    // The queue's own count is the list's when no filter or search narrows it.
    var filtered = Array.prototype.some.call(
      document.querySelectorAll("form[role=search] [name]"),
      function (field) { return field.name !== "queue" && field.value; });
    var badge = document.querySelector(".queue-list .active [data-queue-count]");
    return filtered || !badge ? null : badge.textContent.trim();
  }

  function refresh() {
    var ticked = boxes().filter(function (box) { return box.checked; });
    var all = ticked.length > 0 && ticked.length === boxes().length;
    if (pageBox) {
      pageBox.checked = all;
      pageBox.indeterminate = ticked.length > 0 && !all;
    }
    if (everyField.value === "1") {
      chosen.textContent = data.allChosen;
    } else {
      chosen.textContent = all ? data.pageChosen : "";
    }
    if (!all || every.dataset.singlePage) {
      everyField.value = "";
      every.hidden = true;
      return;
    }
    var count = matchCount();
    every.textContent = count ? data.allCount.replace("%(count)s", count) : data.allUnknown;
    every.hidden = everyField.value === "1";
  }

  if (pageBox) {
    pageBox.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = pageBox.checked; });
      everyField.value = "";
      refresh();
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.classList && event.target.classList.contains("bulk-pick")) {
      everyField.value = "";
      refresh();
    }
  });
  every.addEventListener("click", function () {
    everyField.value = "1";
    refresh();
  });
  refresh();
})();
