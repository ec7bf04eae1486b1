// The visitor's side of a live chat.
(function () {
  "use strict";
  var room = document.querySelector(".chat-room");
  if (!room) {
    return;
  }
  var chat = window.HelpdeskChat;
  var log = new chat.Log(room.querySelector(".chat-log"), room.dataset.joined);
  var waiting = room.querySelector(".chat-waiting");
  var lost = room.querySelector(".chat-connection");
  var form = room.querySelector(".chat-form");
  var error = room.querySelector(".chat-error");

  function ended() {
    room.querySelector(".chat-ended").classList.remove("d-none");
    waiting.classList.add("d-none");
    form.querySelector("textarea").disabled = true;
    form.querySelector("button").disabled = true;
  }

  // Waiting (again): htmx asks the place in line at once (templates/chat/_position.html).
  function backInLine() {
    if (waiting.classList.contains("d-none")) {
      waiting.classList.remove("d-none");
      window.htmx.trigger(document.body, "chat-waiting");
    }
  }

  // The place in line, asked every 5 s while waiting, also says when the wait is over: an
  // "accepted" missed by a socket that was reconnecting then still clears the banner.
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var position = room.querySelector(".chat-position");
    if (position && position.dataset.waiting === "no") {
      waiting.classList.add("d-none");
    }
  });

  var link = chat.connect(room.dataset.socket, {
    open: function (socket) {
      lost.classList.add("d-none");
      socket.send(JSON.stringify({ type: "resume", after: log.last }));
    },
    close: function () {
      lost.classList.remove("d-none");
    },
    message: function (event) {
      if (event.type === "message") {
        log.add(event);
      } else if (event.type === "state") {
        // Told on every (re)connection: a transfer missed while the socket was down shows here.
        if (event.status === "waiting") {
          backInLine();
        } else {
          waiting.classList.add("d-none");
        }
        if (event.status === "ended") {
          ended();
        }
      } else if (event.type === "accepted") {
        waiting.classList.add("d-none");
      } else if (event.type === "transferred") {
        backInLine();
      } else if (event.type === "typing") {
        chat.flash(room.querySelector(".chat-typing"), 3000);
      } else if (event.type === "ended") {
        ended();
      } else if (event.type === "error") {
        error.textContent = event.error === "too_fast" ? error.dataset.tooFast : event.error;
        chat.flash(error, 4000);
      }
    },
  });

  chat.bindComposer(
    form,
    function (text) {
      return link.send({ type: "message", text: text });
    },
    function () {
      link.send({ type: "typing" });
    }
  );
})();
