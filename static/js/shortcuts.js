// The agent panel's keyboard shortcuts; `?` lists them (templates/workspace/_shortcuts.html,
// in the reader's language). None fires while the agent types in a field or the editor, but
// Ctrl+Enter, which sends the reply or note being written. No inline scripts: the CSP.
(function () {
  "use strict";

  var QUEUE_KEY = "helpdesk.queue";
  var SEARCH_KEY = "helpdesk.focus-search";
  var help = document.getElementById("shortcuts-help");
  var current = -1;
  var pendingG = 0;

  function store(key, value) {
    try {
      if (value === null) {
        window.sessionStorage.removeItem(key);
      } else {
        window.sessionStorage.setItem(key, value);
      }
    } catch (blocked) {
      // Storage refused (private mode): the shortcuts work, "this queue" is the default one.
    }
  }

  function stored(key) {
    try {
      return window.sessionStorage.getItem(key);
    } catch (blocked) {
      return null;
    }
  }

  function isTyping(element) {
    if (!element || element === document.body) {
      return false;
    }
    if (element.isContentEditable || element.closest(".jodit-container")) {
      return true;
    }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") {
      return true;
    }
    return tag === "INPUT" && !/^(checkbox|radio|button|submit|reset)$/.test(element.type);
  }

  function queueUrl() {
    return stored(QUEUE_KEY) || (help && help.dataset.queuesUrl) || "/agent/";
  }

  // The queue the agent reads is "this queue" of "Send and open the next ticket".
  if (document.querySelector("[data-shortcut-queue]")) {
    store(QUEUE_KEY, window.location.pathname + window.location.search);
  }
  var kept = document.getElementById("id_reply-queue");
  if (kept && !kept.value) {
    var query = (stored(QUEUE_KEY) || "").split("?")[1];
    kept.value = query || "";
  }

  function rows() {
    var list = document.querySelector("[data-shortcut-list]");
    return list ? Array.prototype.slice.call(list.querySelectorAll("tbody tr[data-number]")) : [];
  }

  function move(step) {
    var all = rows();
    if (!all.length) {
      return;
    }
    if (all[current]) {
      all[current].classList.remove("table-active");
      all[current].removeAttribute("aria-current");
    }
    current = Math.max(0, Math.min(all.length - 1, current + step));
    var row = all[current];
    row.classList.add("table-active");
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("a[href]");
    if (link) {
      link.focus();
    }
  }

  function focusEditor(formId) {
    var form = document.getElementById(formId);
    if (!form) {
      return false;
    }
    var details = form.closest("details");
    if (details) {
      details.open = true;
    }
    if (window.HelpdeskEditor && window.HelpdeskEditor.focus(form)) {
      return true;
    }
    var editor = form.querySelector("textarea");
    if (editor) {
      editor.scrollIntoView({ block: "center" });
      editor.focus();
    }
    return true;
  }

  function focusSearch() {
    var search =
      document.querySelector("[data-shortcut-search]") ||
      document.querySelector("main input[type=search]");
    if (search) {
      search.focus();
      search.select();
      return;
    }
    store(SEARCH_KEY, "1");
    window.location.href = queueUrl();
  }

  if (stored(SEARCH_KEY)) {
    store(SEARCH_KEY, null);
    var search = document.querySelector("[data-shortcut-search]");
    if (search) {
      search.focus();
    }
  }

  function showHelp() {
    if (help && window.bootstrap) {
      window.bootstrap.Modal.getOrCreateInstance(help).toggle();
    }
  }

  function send(target) {
    var form = target && target.closest("form");
    if (!form || !form.querySelector("textarea")) {
      return false;
    }
    var button = form.querySelector("button[type=submit]");
    // The editor copies what was typed into its hidden input on the form's submit event
    // (static/js/editor.js), which requestSubmit and the button both fire.
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(button || undefined);
    } else if (button) {
      button.click();
    }
    return true;
  }

  var keys = {
    j: function () { move(1); },
    k: function () { move(-1); },
    r: function () { return focusEditor("agent-reply-form"); },
    n: function () { return focusEditor("agent-note-form"); },
    c: function () {
      var claim = document.querySelector("[data-shortcut-claim]");
      if (claim) {
        claim.click();
      }
      return Boolean(claim);
    },
    "/": focusSearch,
    "?": showHelp,
  };

  document.documentElement.setAttribute("data-shortcuts", "on"); // listening (tests wait on it)
  // Ctrl+Enter is heard first (capture): the editor keeps Enter to itself.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && send(event.target)) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      return;
    }
    if (isTyping(target)) {
      if (event.key === "Escape") {
        target.blur();
      }
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) {
      return;
    }
    if (help && help.classList.contains("show")) {
      // Esc closes the list even before Bootstrap has moved the focus into it.
      if (event.key === "Escape" || event.key === "?") {
        window.bootstrap.Modal.getOrCreateInstance(help).hide();
      }
      return;
    }
    if (event.key === "Enter") {
      var row = rows()[current];
      if (row && target.tagName !== "A" && target.tagName !== "BUTTON") {
        var link = row.querySelector("a[href]");
        if (link) {
          event.preventDefault();
          link.click();
        }
      }
      return;
    }
    if (pendingG && event.key === "q" && Date.now() - pendingG < 1500) {
      pendingG = 0;
      event.preventDefault();
      window.location.href = queueUrl();
      return;
    }
    pendingG = event.key === "g" ? Date.now() : 0;
    var action = keys[event.key];
    if (action && action() !== false) {
      event.preventDefault();
    }
  });
})();
