// The message editor (Jodit, from npm) on every textarea.rich-text-editor of the page
// (templates/tickets/_editor.html): each bound to its own hidden input by id, so several
// editors on one page never share one. The toolbar is the TomTicket manual's (S3 §4.1), in
// the page's language (<html lang>). Images pasted or dropped are kept at once in the form's
// draft, like its other files, and shown in place; the server (core.sanitize, nh3) decides
// what of the HTML is kept. No inline scripts: the CSP.
(function () {
  "use strict";

  var Jodit = window.Jodit;
  if (!Jodit) {
    return;
  }
  var editors = {};
  var nonce = document.querySelector('meta[name="csp-nonce"]');
  var language = (document.documentElement.lang || "").toLowerCase().indexOf("pt") === 0 ? "pt_br" : "en";
  var BUTTONS = [
    "bold", "italic", "underline", "strikethrough", "|",
    "font", "fontsize", "brush", "|",
    "align", "ul", "ol", "outdent", "indent", "quote", "|",
    "table", "link", "image", "|",
    "subscript", "superscript", "eraser", "|",
    "undo", "redo",
  ];

  function token(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // The answer of drafts.views.upload_image, as Jodit's uploader expects it.
  function uploadImage(textarea, form, box) {
    return function (request) {
      var body = new FormData();
      body.append("key", box.dataset.draftKey);
      request.getAll("file").forEach(function (file) {
        body.append("file", file);
      });
      return fetch(textarea.dataset.imageUpload, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token(form) },
      })
        .then(function (response) {
          return response.json();
        })
        .then(function (answer) {
          if (answer.box !== undefined) {
            box.innerHTML = answer.box;
            document.dispatchEvent(new CustomEvent("draft-files-changed"));
          }
          return {
            success: Boolean(answer.url),
            time: "",
            data: {
              files: answer.url ? [answer.url] : [],
              isImages: [true],
              baseurl: "",
              messages: answer.errors || [],
            },
          };
        });
    };
  }

  function start(textarea) {
    var input = document.getElementById(textarea.dataset.input);
    var form = textarea.closest("form");
    if (!input || editors[textarea.id]) {
      return;
    }
    // Images go to the form's draft; a form without one (canned replies, macros) takes none.
    var box = form && form.querySelector(".draft-box[data-draft-key]");
    var options = {
      language: language,
      nonce: nonce ? nonce.content : "",
      buttons: BUTTONS,
      toolbarAdaptive: false,
      toolbarSticky: false,
      useNativeTooltip: true,
      statusbar: false,
      showCharsCounter: false,
      showWordsCounter: false,
      showXPathInStatusbar: false,
      minHeight: 160,
      height: "auto",
      askBeforePasteHTML: false,
      askBeforePasteFromWord: false,
      defaultActionOnPaste: "insert_as_html",
      link: { noFollowCheckbox: false, openInNewTabCheckbox: false },
      // Nothing fetched from elsewhere (the source view loads its helpers from a CDN).
      disablePlugins: "about,ai-assistant,iframe,media,powered-by-jodit,print,source,speech-recognize,video,file",
      beautifyHTML: false,
      controls: {
        quote: {
          name: "quote",
          icon: "paragraph",
          tooltip: "Quote",
          command: "formatBlock",
          args: ["blockquote"],
          exec: function (editor) {
            var inQuote = editor.s.current() && Jodit.modules.Dom.closest(editor.s.current(), "blockquote", editor.editor);
            editor.execCommand("formatBlock", false, inQuote ? "p" : "blockquote");
          },
        },
      },
      enableDragAndDropFileToEditor: Boolean(box),
      uploader: box
        ? {
            url: textarea.dataset.imageUpload,
            insertImageAsBase64URI: false,
            imagesExtensions: ["jpg", "jpeg", "png", "gif", "webp"],
            filesVariableName: function () {
              return "file";
            },
            customUploadFunction: uploadImage(textarea, form, box),
          }
        : { insertImageAsBase64URI: false },
    };
    if (!box) {
      options.buttons = BUTTONS.filter(function (name) {
        return name !== "image";
      });
    }
    var editor = Jodit.make(textarea, options);
    editor.value = input.value;
    var area = editor.editor;
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    ["aria-labelledby", "aria-invalid", "aria-describedby"].forEach(function (name) {
      if (textarea.hasAttribute(name)) {
        area.setAttribute(name, textarea.getAttribute(name));
      }
    });
    function sync() {
      input.value = editor.value;
    }
    editor.events.on("change", sync);
    if (form) {
      // The last letters typed before a send (Ctrl+Enter) are in the field the form sends.
      form.addEventListener("submit", sync);
    }
    var label = document.getElementById(textarea.getAttribute("aria-labelledby") || "");
    if (label) {
      label.addEventListener("click", function (event) {
        event.preventDefault();
        editor.s.focus();
      });
    }
    editors[textarea.id] = editor;
  }

  function editorFor(id) {
    return editors[id] || null;
  }

  // For tickets.js (canned replies, quoting) and shortcuts.js (r, n): the editor of a form.
  window.HelpdeskEditor = {
    get: editorFor,
    focus: function (container) {
      var textarea = container.querySelector("textarea.rich-text-editor");
      var editor = textarea && editorFor(textarea.id);
      if (!editor) {
        return false;
      }
      editor.container.scrollIntoView({ block: "center" });
      editor.s.focus();
      return true;
    },
    insert: function (id, html) {
      var editor = editorFor(id);
      if (!editor) {
        return false;
      }
      editor.s.focus();
      editor.s.insertHTML(html);
      document.getElementById(editor.element.dataset.input).value = editor.value;
      return true;
    },
  };

  document.querySelectorAll("textarea.rich-text-editor").forEach(start);
})();
