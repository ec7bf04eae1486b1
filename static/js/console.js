// The agents' chat console: waiting chats appear live; several chats are held at once.
(function () {
  "use strict";
  var root = document.querySelector(".chat-console");
  if (!root) {
    return;
  }
  var chat = window.HelpdeskChat;
  var lists = root.querySelector(".console-lists");
  var lost = root.querySelector(".chat-connection");
  var logs = {};
  var link;

  function card(id) {
    return lists.querySelector('.console-chat[data-chat="' + id + '"]');
  }

  // "Accept" works from the first paint: a click before the socket is open (the page just
  // loaded, or it is reconnecting) is sent as soon as it opens, never dropped.
  var unsent = [];
  lists.addEventListener("click", function (event) {
    var button = event.target.closest("[data-accept]");
    if (!button) {
      return;
    }
    button.disabled = true;
    var accept = { type: "accept", chat: Number(button.dataset.accept) };
    if (!link.send(accept)) {
      unsent.push(accept);
    }
  });

  function bind() {
    lists.querySelectorAll(".console-chat").forEach(function (item) {
      var id = Number(item.dataset.chat);
      var previous = logs[id];
      logs[id] = new chat.Log(item.querySelector(".chat-log"), root.dataset.joined);
      link.send({ type: "join", chat: id, after: 0 });
      if (previous) {
        previous.last = 0;
      }
      chat.bindComposer(
        item.querySelector(".chat-form"),
        function (text) {
          return link.send({ type: "message", chat: id, text: text });
        },
        function () {
          link.send({ type: "typing", chat: id });
        }
      );
    });
  }

  function redraw() {
    window.htmx.trigger(lists, "console-redraw");
  }

  lists.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.elt === lists) {
      logs = {};
      bind();
    }
  });

  link = chat.connect(root.dataset.socket, {
    open: function (socket) {
      lost.classList.add("d-none");
      unsent.splice(0).forEach(function (accept) {
        socket.send(JSON.stringify(accept));
      });
      redraw();
    },
    close: function (event) {
      if (event.code === 4403) {
        // Signed out, deactivated or no longer an agent: the socket is not reopened.
        lost.classList.add("d-none");
        root.querySelector(".chat-signed-out").classList.remove("d-none");
      } else {
        lost.classList.remove("d-none");
      }
    },
    message: function (event) {
      if (event.type === "message" && logs[event.chat]) {
        logs[event.chat].add(event);
      } else if (event.type === "typing" && card(event.chat)) {
        chat.flash(card(event.chat).querySelector(".chat-typing"), 3000);
      } else if (["waiting", "taken", "accepted", "ended", "transferred"].indexOf(event.type) >= 0) {
        redraw();
      } else if (event.type === "error" || event.type === "taken") {
        redraw();
      }
    },
  });
})();
