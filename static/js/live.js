// The live agent panel (workspace.consumers.LiveConsumer): queue counts, the queue being read,
// the bell, new-ticket alerts, and who else is on the ticket being read. Settings come from
// #live's data attributes; every text is translated there.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.WebSocket) {
    return;
  }
  var data = live.dataset;
  var socket;
  var retry = 1000;
  var alerts = false;
  var arrived = {};
  var here = {};
  var shown = {};
  document.querySelectorAll("tr[data-number]").forEach(function (row) {
    shown[row.dataset.number] = row;
  });

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/" + data.socket);
    socket.addEventListener("open", function () {
      retry = 1000;
      send({ type: "watch", queue: data.queue || null, counts: data.counts === "1",
             ticket: data.ticket ? Number(data.ticket) : null });
    });
    socket.addEventListener("message", function (event) {
      var frame = JSON.parse(event.data);
      if (frame.type === "hello") {
        hello(frame);
      } else if (frame.type === "news") {
        news(frame);
      } else if (frame.type === "presence") {
        presence(frame);
      }
    });
    socket.addEventListener("close", function (event) {
      here = {};
      drawPresence();
      if (event.code === 4403) {
        return; // logged out or no longer an agent: nothing to come back for
      }
      window.setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
    }
  }

  function hello(frame) {
    alerts = frame.alerts;
    var form = document.querySelector(".live-alerts");
    if (!form) {
      return;
    }
    var box = form.querySelector("input[type=checkbox]");
    box.checked = alerts;
    form.hidden = false;
    box.addEventListener("change", function () {
      if (box.checked && window.Notification && Notification.permission === "default") {
        Notification.requestPermission();
      }
      var body = new FormData(form);
      if (!box.checked) {
        body.delete("alerts");
      }
      fetch(data.alertsUrl, { method: "POST", body: body, headers: { Accept: "application/json" },
                              credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (answer) { alerts = answer.alerts; box.checked = alerts; });
    });
  }

  function news(frame) {
    if (frame.counts) {
      Object.keys(frame.counts).forEach(function (key) {
        document.querySelectorAll('[data-queue-count="' + key + '"]').forEach(function (badge) {
          badge.textContent = frame.counts[key];
        });
      });
    }
    if (typeof frame.bell === "number") {
      bell(frame.bell);
    }
    var fresh = false;
    (frame.tickets || []).forEach(function (ticket) {
      var row = shown[ticket.number];
      if (row) {
        row.classList.toggle("live-left", !ticket.in_queue);
        row.classList.add("live-updated");
      } else if (ticket.in_queue && data.queue) {
        arrived[ticket.number] = true;
      }
      fresh = fresh || ticket["new"];
    });
    banner();
    if (fresh && alerts) {
      ring();
    }
    if (frame.viewed_changed) {
      changed();
    }
  }

  function bell(count) {
    var link = document.querySelector('a[href$="/agent/notifications/"].nav-link');
    if (!link) {
      return;
    }
    var badge = link.querySelector(".bell-count");
    if (!badge && count) {
      badge = document.createElement("span");
      badge.className = "badge rounded-pill text-bg-danger bell-count ms-1";
      link.appendChild(badge);
    }
    if (badge) {
      badge.textContent = count;
      badge.hidden = !count;
    }
    var label = link.getAttribute("aria-label");
    if (label) {
      link.setAttribute("aria-label", label.replace(/\d+/, String(count)));
    }
  }

  function banner() {
    var place = document.querySelector(".live-banner");
    var count = Object.keys(arrived).length;
    if (!place || !count) {
      return;
    }
    var text = count === 1 ? data.newOne : count + " " + data.newMany;
    place.replaceChildren();
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-sm btn-info w-100 mb-2 live-show";
    button.textContent = text;
    button.addEventListener("click", function () { window.location.reload(); });
    place.appendChild(button);
  }

  function ring() {
    try {
      var context = new (window.AudioContext || window.webkitAudioContext)();
      var tone = context.createOscillator();
      var gain = context.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.08;
      tone.connect(gain).connect(context.destination);
      tone.start();
      tone.stop(context.currentTime + 0.2);
    } catch (ignored) { /* no sound here */ }
    if (window.Notification && Notification.permission === "granted" && document.hidden) {
      new Notification(data.alertTitle);
    }
  }

  function changed() {
    var place = document.querySelector(".live-changed");
    if (!place || place.childElementCount) {
      return;
    }
    var box = document.createElement("div");
    box.className = "alert alert-info py-2 px-3 mt-2 mb-0 small d-flex flex-wrap gap-2 align-items-center";
    box.setAttribute("role", "status");
    box.append(document.createTextNode(data.changed + " "));
    var link = document.createElement("a");
    link.href = window.location.pathname;
    link.textContent = data.reload;
    box.appendChild(link);
    place.appendChild(box);
  }

  function presence(frame) {
    if (frame.event === "left") {
      delete here[frame.id];
    } else {
      var person = here[frame.id] || { name: frame.name };
      if (frame.event === "typing") {
        person.typing = frame.what;
        window.clearTimeout(person.timer);
        person.timer = window.setTimeout(function () {
          person.typing = "";
          drawPresence();
        }, 5000);
      }
      here[frame.id] = person;
    }
    drawPresence();
  }

  function drawPresence() {
    var place = document.querySelector(".live-presence");
    if (!place) {
      return;
    }
    var names = {};
    Object.keys(here).forEach(function (id) {
      var person = here[id];
      var doing = person.typing === "reply" ? data.typingReply : person.typing === "note" ? data.typingNote : "";
      if (!names[person.name] || doing) {
        names[person.name] = doing;
      }
    });
    var people = Object.keys(names).sort();
    place.replaceChildren();
    if (!people.length) {
      return;
    }
    place.append(document.createTextNode(data.viewing + " "));
    people.forEach(function (name, index) {
      var item = document.createElement("span");
      item.className = "badge text-bg-light border me-1 live-person";
      item.textContent = names[name] ? name + " (" + names[name] + ")" : name;
      place.appendChild(item);
    });
  }

  function watchTyping(formId, what) {
    var form = document.getElementById(formId);
    if (!form) {
      return;
    }
    ["input", "keydown"].forEach(function (kind) {
      form.addEventListener(kind, function () { send({ type: "typing", what: what }); });
    });
  }
  // The socket limits typing news to one every 1.5 s; the page sends no more often than that.
  var lastTyping = 0;
  var rawSend = send;
  send = function (frame) {
    if (frame.type === "typing") {
      var now = Date.now();
      if (now - lastTyping < 1500) {
        return;
      }
      lastTyping = now;
    }
    rawSend(frame);
  };
  watchTyping("agent-reply-form", "reply");
  watchTyping("agent-note-form", "note");
  connect();
})();
