// Ticket forms: categories that follow the department, the attachment a category demands,
// quoting an entry in a reply, canned replies put in the editor (static/js/editor.js).
(function () {
  "use strict";

  function followDepartment(categorySelect) {
    var department = document.getElementById(categorySelect.dataset.follows);
    if (!department) {
      return;
    }
    function refresh() {
      var chosen = department.value;
      Array.prototype.forEach.call(categorySelect.options, function (option) {
        var owner = option.dataset.department;
        var fits = option.value === "" || owner === "" || owner === undefined || owner === chosen;
        option.hidden = !fits;
        option.disabled = !fits;
        if (!fits && option.selected) {
          categorySelect.value = "";
        }
      });
      noteRequiredAttachment(categorySelect);
    }
    department.addEventListener("change", refresh);
    categorySelect.addEventListener("change", function () {
      noteRequiredAttachment(categorySelect);
    });
    document.addEventListener("draft-files-changed", function () {
      noteRequiredAttachment(categorySelect);
    });
    refresh();
  }

  function noteRequiredAttachment(categorySelect) {
    var note = document.querySelector(".attachment-required-note");
    var option = categorySelect.options[categorySelect.selectedIndex];
    if (!note || !option) {
      return;
    }
    // Said once: not beside the server's own error for the field, nor once a file is attached.
    var said = note.parentElement.querySelector(".invalid-feedback, .draft-files");
    var required = option.dataset.requiresAttachment === "true" && !said;
    note.classList.toggle("d-none", !required);
    note.querySelector("span").textContent = required ? note.dataset.message.replace("__CATEGORY__", option.text) : "";
  }

  function quoting(form) {
    var field = form.querySelector("input[name$=quoted]");
    var preview = form.querySelector(".quote-preview");
    if (!field || !preview) {
      return;
    }
    function show(id, author) {
      field.value = id;
      preview.querySelector(".quote-preview-text").textContent = id ? preview.dataset.label + ": " + author : "";
      preview.classList.toggle("d-none", !id);
    }
    document.querySelectorAll("[data-quote-entry]").forEach(function (button) {
      button.addEventListener("click", function () {
        show(button.dataset.quoteEntry, button.dataset.quoteAuthor);
        if (window.HelpdeskEditor) {
          window.HelpdeskEditor.focus(form);
        }
      });
    });
    preview.querySelector(".quote-cancel").addEventListener("click", function () {
      show("", "");
    });
    if (field.value) {
      var button = document.querySelector('[data-quote-entry="' + field.value + '"]');
      show(field.value, button ? button.dataset.quoteAuthor : "");
    }
  }

  // Canned replies arrive (by htmx, templates/agent/_canned_options.html) with their
  // placeholders filled on the server; insert the chosen one at the cursor.
  document.querySelectorAll("select.canned-reply").forEach(function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      if (option && option.dataset.body && window.HelpdeskEditor) {
        window.HelpdeskEditor.insert(select.dataset.editor, option.dataset.body);
      }
      select.value = "";
    });
  });

  document.querySelectorAll("select[data-follows]").forEach(followDepartment);
  var reply = document.getElementById("reply-form");
  if (reply) {
    quoting(reply);
  }
})();
