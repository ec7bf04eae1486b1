// Files picked on a message's form are sent at once to the form's draft (drafts.views), so a
// form refused for another field keeps them; the list that comes back has a remove button a
// file. Without JavaScript the file input is sent with the form, as before.
(function () {
  "use strict";

  function token(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function busy(form, isBusy) {
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
      button.disabled = isBusy;
    });
  }

  function draft(box) {
    var input = document.getElementById(box.dataset.draftFor);
    var form = box.closest("form");
    if (!input || !form) {
      return;
    }
    function send(url, body) {
      if (box.dataset.draftNotes) {
        body.append("notes", "true");
      }
      busy(form, true);
      return fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token(form) },
      })
        .then(function (response) {
          if (response.ok) {
            // The field's error from the last submit is old news once the draft has changed.
            var error = document.getElementById(input.id + "_error");
            if (error) {
              error.remove();
            }
            input.classList.remove("is-invalid");
            input.removeAttribute("aria-invalid");
          }
          return response.text();
        })
        .then(function (html) {
          // The notes typed on the files kept go on with them when the list is drawn again.
          var typed = {};
          box.querySelectorAll("[data-draft-note]").forEach(function (note) {
            typed[note.name] = note.value;
          });
          box.innerHTML = html;
          box.querySelectorAll("[data-draft-note]").forEach(function (note) {
            if (typed[note.name] !== undefined) {
              note.value = typed[note.name];
            }
          });
          document.dispatchEvent(new CustomEvent("draft-files-changed"));
          return !box.querySelector(".draft-errors");
        })
        .finally(function () {
          busy(form, false);
        });
    }
    input.addEventListener("change", function () {
      if (!input.files.length) {
        return;
      }
      var body = new FormData();
      body.append("key", box.dataset.draftKey);
      Array.prototype.forEach.call(input.files, function (file) {
        body.append("file", file);
      });
      // Kept: the input no longer sends them. Refused (the reason beside the field): left in
      // the input, so sending the form refuses them again rather than going without them.
      send(box.dataset.draftUpload, body).then(function (ok) {
        if (ok) {
          input.value = "";
        }
      }, function () {});
    });
    box.addEventListener("click", function (event) {
      var button = event.target.closest("[data-draft-remove]");
      if (button) {
        send(button.dataset.draftRemove, new FormData()).catch(function () {});
      }
    });
  }

  document.querySelectorAll(".draft-box").forEach(draft);
})();
