// Ticket forms: categories that follow the department, the attachment a category demands,
// quoting an entry in a reply, and an editor that takes text only (files go below it).
(function () {
  "use strict";

  // The toolbar's tooltips and accessible names in the page's language. Trix builds a toolbar
  // from Trix.config.lang when its elements start, a tick after trix.js has run: usually before
  // this file has arrived, so toolbars built already are built again (Trix's toolbar controller
  // finds its buttons by delegation, so new ones work the same).
  var words = document.querySelector('meta[name="editor-lang"]');
  var trix = window.Trix;
  if (words && trix && trix.config && trix.config.lang && trix.config.toolbar) {
    Object.keys(words.dataset).forEach(function (key) {
      trix.config.lang[key] = words.dataset[key];
    });
    Array.prototype.forEach.call(document.querySelectorAll("trix-toolbar"), function (toolbar) {
      if (toolbar.innerHTML !== "") {
        toolbar.innerHTML = trix.config.toolbar.getDefaultHTML();
      }
    });
  }

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
        var editor = form.querySelector("trix-editor");
        if (editor) {
          editor.focus();
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

  // Files are attached with the field below the editor, where they are checked on the server.
  document.addEventListener("trix-file-accept", function (event) {
    event.preventDefault();
  });

  // Canned replies arrive (by htmx, templates/agent/_canned_options.html) with their
  // placeholders filled on the server; insert the chosen one at the cursor.
  document.querySelectorAll("select.canned-reply").forEach(function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var editor = document.getElementById(select.dataset.editor);
      if (option && option.dataset.body && editor && editor.editor) {
        editor.editor.insertHTML(option.dataset.body);
        editor.focus();
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
