// Shared by the visitor's chat and the agents' console: a websocket that comes back after a
// drop and a log that shows each message once, in order (messages carry their number).
window.HelpdeskChat = (function () {
  "use strict";

  function socketUrl(path) {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + path;
  }

  function connect(path, handlers) {
    var delay = 500;
    var socket = null;
    function open() {
      socket = new WebSocket(socketUrl(path));
      socket.addEventListener("open", function () {
        delay = 500;
        handlers.open(socket);
      });
      socket.addEventListener("message", function (event) {
        handlers.message(JSON.parse(event.data));
      });
      socket.addEventListener("close", function (event) {
        handlers.close(event);
        if (event.code !== 4403) {
          window.setTimeout(open, delay);
          delay = Math.min(delay * 2, 10000);
        }
      });
    }
    open();
    return {
      send: function (data) {
        if (socket && socket.readyState === WebSocket.OPEN) {
          socket.send(JSON.stringify(data));
          return true;
        }
        return false;
      },
    };
  }

  function Log(list, joined) {
    this.list = list;
    this.last = 0;
    this.joined = joined || "__NAME__";
  }

  Log.prototype.add = function (event) {
    if (event.sequence <= this.last) {
      return;
    }
    this.last = event.sequence;
    var item = document.createElement("li");
    item.className = "chat-line chat-" + event.kind;
    if (event.kind === "system") {
      item.textContent = this.joined.replace("__NAME__", event.text);
    } else {
      var who = document.createElement("strong");
      who.textContent = event.author + ": ";
      item.appendChild(who);
      item.appendChild(document.createTextNode(event.text));
    }
    this.list.appendChild(item);
    this.list.scrollTop = this.list.scrollHeight;
  };

  function bindComposer(form, send, onTyping) {
    var text = form.querySelector("textarea");
    var lastTyping = 0;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = text.value.trim();
      if (value && send(value)) {
        text.value = "";
      }
      text.focus();
    });
    text.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    text.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTyping > 2000) {
        lastTyping = now;
        onTyping();
      }
    });
  }

  function flash(element, milliseconds) {
    element.classList.remove("d-none");
    window.clearTimeout(element._hide);
    element._hide = window.setTimeout(function () {
      element.classList.add("d-none");
    }, milliseconds);
  }

  return { connect: connect, Log: Log, bindComposer: bindComposer, flash: flash };
})();
