/* Latido agent chat console: waiting queue, accepted chats, typing, end (no inline code). */
(function () {
  "use strict";
  var root = document.getElementById("chat-console");
  var labelsNode = document.getElementById("chat-console-labels");
  if (!root || !labelsNode) { return; }
  var L = JSON.parse(labelsNode.textContent);
  var waitingList = document.getElementById("chat-waiting");
  var waitingEmpty = document.getElementById("chat-waiting-empty");
  var activeBox = document.getElementById("chat-active");
  var activeEmpty = document.getElementById("chat-active-empty");
  var connection = document.getElementById("chat-connection");
  var errorBox = document.getElementById("chat-error");
  var load = document.getElementById("chat-load");
  var baseTitle = document.title;
  var full = false;
  var socket = null;
  var panes = {};
  var retry = 1000;

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (m, k) { return values[k] == null ? "" : values[k]; });
  }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text != null) { node.textContent = text; }
    return node;
  }
  function duration(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function send(payload) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(payload)); }
  }
  function showError(message) {
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  function renderWaiting(waiting) {
    waitingList.replaceChildren();
    waiting.forEach(function (chat) {
      var item = el("li", "chat-waiting-item");
      item.dataset.chatId = chat.id;
      var who = el("div", "chat-who");
      who.appendChild(el("strong", null, chat.name));
      who.appendChild(el("span", "muted small", " " + chat.email));
      item.appendChild(who);
      item.appendChild(el("div", "chat-subject", chat.subject));
      var since = el("span", "muted small chat-since", fmt(L.waiting_for, {time: duration(chat.waited_seconds)}));
      since.dataset.started = String(Date.now() - chat.waited_seconds * 1000);
      item.appendChild(since);
      var button = el("button", "primary small", L.accept);
      button.type = "button";
      button.disabled = full;
      button.setAttribute("aria-label", fmt(L.accept_chat, {name: chat.name}));
      button.addEventListener("click", function () {
        button.disabled = true;
        errorBox.hidden = true;
        send({type: "accept", chat_id: chat.id});
      });
      item.appendChild(button);
      waitingList.appendChild(item);
    });
    waitingEmpty.hidden = waiting.length > 0;
    // The tab's title counts the waiting visitors, so a console in a background tab is noticed.
    document.title = (waiting.length ? "(" + waiting.length + ") " : "") + baseTitle;
  }

  function addLine(pane, line) {
    if (pane.seen[line.id]) { return; }
    pane.seen[line.id] = true;
    var item = el("li", "chat-line chat-line-" + line.who);
    item.appendChild(el("span", "chat-line-name", line.name));
    item.appendChild(el("span", "chat-line-text", line.text));
    pane.lines.appendChild(item);
    pane.lines.scrollTop = pane.lines.scrollHeight;
  }

  function makePane(chat) {
    var article = el("article", "card chat-pane");
    article.dataset.chatId = chat.id;
    article.setAttribute("aria-label", chat.name);
    var head = el("header", "chat-pane-head");
    head.appendChild(el("h3", null, chat.name));
    head.appendChild(el("span", "muted small", chat.email));
    var link = el("a", "small", fmt(L.open_ticket, {ref: chat.ticket_ref}));
    link.href = chat.ticket_url;
    link.target = "_blank";
    link.rel = "noopener";
    head.appendChild(link);
    var end = el("button", "danger small", L.end);
    end.type = "button";
    end.addEventListener("click", function () { send({type: "end", chat_id: chat.id}); });
    head.appendChild(end);
    article.appendChild(head);
    var lines = el("ol", "chat-lines");
    lines.setAttribute("aria-live", "polite");
    article.appendChild(lines);
    var presence = el("p", "muted small chat-presence");
    presence.hidden = true;
    article.appendChild(presence);
    var typing = el("p", "muted small chat-typing", fmt(L.typing, {name: chat.name}));
    typing.hidden = true;
    article.appendChild(typing);
    var form = el("form", "chat-reply");
    var fieldId = "chat-reply-" + chat.id;
    var label = el("label", "visually-hidden", fmt(L.reply, {name: chat.name}));
    label.htmlFor = fieldId;
    var input = el("textarea");
    input.id = fieldId;
    input.rows = 2;
    input.maxLength = 4000;
    var button = el("button", "primary", L.send);
    button.type = "submit";
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(button);
    article.appendChild(form);
    var pane = {node: article, lines: lines, typing: typing, presence: presence, seen: {},
                typingTimer: null, lastTyping: 0};
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = input.value.trim();
      if (!body) { return; }
      send({type: "message", chat_id: chat.id, body: body});
      send({type: "typing", chat_id: chat.id, on: false});
      pane.lastTyping = 0;
      input.value = "";
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    input.addEventListener("input", function () {
      var now = Date.now();
      if (now - pane.lastTyping > 2000) {
        pane.lastTyping = now;
        send({type: "typing", chat_id: chat.id, on: true});
      }
    });
    (chat.lines || []).forEach(function (line) { addLine(pane, line); });
    return pane;
  }

  function renderActive(active) {
    var keep = {};
    active.forEach(function (chat) {
      keep[chat.id] = true;
      if (!panes[chat.id]) {
        panes[chat.id] = makePane(chat);
        activeBox.appendChild(panes[chat.id].node);
      } else {
        (chat.lines || []).forEach(function (line) { addLine(panes[chat.id], line); });
      }
    });
    Object.keys(panes).forEach(function (id) {
      if (!keep[id]) { panes[id].node.remove(); delete panes[id]; }
    });
    activeEmpty.hidden = active.length > 0;
  }

  function onMessage(data) {
    var pane = data.chat_id != null ? panes[data.chat_id] : null;
    if (data.type === "snapshot") {
      full = data.active.length >= data.capacity;
      load.textContent = fmt(L.load, {n: data.active.length, max: data.capacity}) +
        (full ? " " + L.full : "");
      renderWaiting(data.waiting);
      renderActive(data.active);
    } else if (data.type === "line" && pane) {
      addLine(pane, data.line);
      pane.typing.hidden = true;
    } else if (data.type === "typing" && pane) {
      pane.typing.hidden = !data.on;
      clearTimeout(pane.typingTimer);
      if (data.on) { pane.typingTimer = setTimeout(function () { pane.typing.hidden = true; }, 5000); }
    } else if (data.type === "presence" && pane) {
      pane.presence.textContent = data.online ? L.back : L.left_page;
      pane.presence.hidden = false;
    } else if (data.type === "error") {
      showError(data.message);
      waitingList.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
    }
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.dataset.wsPath);
    socket.addEventListener("open", function () {
      retry = 1000;
      connection.textContent = L.connected;
    });
    socket.addEventListener("message", function (event) { onMessage(JSON.parse(event.data)); });
    socket.addEventListener("close", function () {
      connection.textContent = L.disconnected;
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  setInterval(function () {
    waitingList.querySelectorAll(".chat-since").forEach(function (node) {
      var seconds = Math.max(0, Math.round((Date.now() - Number(node.dataset.started)) / 1000));
      node.textContent = fmt(L.waiting_for, {time: duration(seconds)});
    });
  }, 1000);
  connect();
})();
