/* Latido live chat widget. Embed with:
 *   <script src="https://HELPDESK/static/latido/chat-widget.js" data-latido-chat="KEY" async></script>
 * Plain JavaScript, no build step, no inline code or styles (works under a strict CSP that
 * allows this script's origin in script-src, style-src, connect-src). Texts come from the
 * help desk in the visitor's language (data-lang on the tag, else the browser's language).
 */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector("script[data-latido-chat]");
  if (!script || !script.dataset.latidoChat || window.__latidoChat) { return; }
  window.__latidoChat = true;
  var key = script.dataset.latidoChat;
  var base = new URL(script.src, location.href).origin;
  var storeKey = "latido-chat-" + key;
  var L = null, socket = null, pending = [], status = null, typingTimer = null, lastTyping = 0;
  var retries = 0;
  var ui = {};

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text != null) { node.textContent = text; }
    return node;
  }
  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (m, k) { return values[k] == null ? "" : values[k]; });
  }
  var uid = 0;
  function field(labelText, control) {
    var wrap = el("div", "latido-chat-field");
    control.id = "latido-chat-f" + (++uid);
    var label = el("label", null, labelText);
    label.htmlFor = control.id;
    wrap.appendChild(label);
    wrap.appendChild(control);
    return wrap;
  }
  function input(type, name, max) {
    var node = el(type === "textarea" ? "textarea" : "input");
    if (type !== "textarea") { node.type = type; }
    node.name = name;
    node.required = true;
    node.maxLength = max;
    return node;
  }
  function button(cls, text, type) {
    var node = el("button", "latido-chat-button " + (cls || ""), text);
    node.type = type || "button";
    return node;
  }
  function remember(token) {
    try { if (token) { sessionStorage.setItem(storeKey, token); } else { sessionStorage.removeItem(storeKey); } }
    catch (e) { /* storage may be blocked; the chat still works on this page */ }
  }
  function remembered() {
    try { return sessionStorage.getItem(storeKey); } catch (e) { return null; }
  }

  function send(payload) {
    if (socket && socket.readyState === WebSocket.OPEN) { socket.send(JSON.stringify(payload)); }
    else { pending.push(payload); open(); }
  }
  function open() {
    if (socket && socket.readyState <= WebSocket.OPEN) { return; }
    socket = new WebSocket(base.replace(/^http/, "ws") + "/ws/chat/visitor/" +
                           encodeURIComponent(key) + "/?lang=" + encodeURIComponent(L.__lang));
    socket.addEventListener("open", function () {
      while (pending.length) { socket.send(JSON.stringify(pending.shift())); }
    });
    socket.addEventListener("message", function (event) { onMessage(JSON.parse(event.data)); });
    socket.addEventListener("open", function () { retries = 0; });
    socket.addEventListener("close", function () {
      var token = remembered();
      if (status === "active" && token && retries < 5) {
        // An accepted chat survives a dropped connection: reconnect and resume it.
        retries += 1;
        setTimeout(function () { send({type: "resume", token: token}); }, 1000 * retries);
      } else if (status === "waiting" || status === "active") {
        setStatus("offline");
        notice(L.offline);
      }
    });
  }

  function notice(text) {
    ui.notice.textContent = text;
    ui.notice.hidden = !text;
  }
  function addLine(line) {
    if (ui.seen[line.id]) { return; }
    ui.seen[line.id] = true;
    var item = el("li", "latido-chat-line latido-chat-line-" + line.who);
    item.appendChild(el("span", "latido-chat-line-name", line.who === "visitor" ? L.you : line.name));
    item.appendChild(el("span", "latido-chat-line-text", line.text));
    ui.lines.appendChild(item);
    ui.lines.scrollTop = ui.lines.scrollHeight;
  }
  function setStatus(next, agentName) {
    status = next;
    ui.form.hidden = true;
    ui.compose.hidden = !(next === "waiting" || next === "active");
    ui.end.hidden = next !== "active";
    ui.offer.hidden = true;
    if (next === "waiting") { notice(L.waiting); }
    else if (next === "active") { notice(agentName ? fmt(L.joined, {name: agentName}) : ""); }
    else if (next === "ended") { notice(L.ended); remember(null); }
    else if (next === "left") { notice(L.left); remember(null); }
  }

  function onMessage(data) {
    if (data.type === "started") {
      if (data.status === "abandoned" && !data.left_message) {
        // The visitor left while still waiting: that chat is over, offer a fresh one.
        remember(null);
        ui.form.hidden = false;
        notice("");
        if (ui.autoOpened) { ui.toggle(false); }
        return;
      }
      if (data.token) { remember(data.token); }
      ui.seen = {};
      ui.lines.replaceChildren();
      data.lines.forEach(addLine);
      setStatus(data.status === "abandoned" ? (data.left_message ? "left" : "ended") : data.status,
                data.agent_name);
    } else if (data.type === "line") {
      addLine(data.line);
      if (data.line.who === "agent") { ui.typing.hidden = true; }
    } else if (data.type === "typing") {
      ui.typing.hidden = !data.on;
      clearTimeout(typingTimer);
      if (data.on) { typingTimer = setTimeout(function () { ui.typing.hidden = true; }, 5000); }
    } else if (data.type === "state") {
      if (data.status === "active") { setStatus("active", data.agent_name); }
      else if (data.status === "ended") { setStatus("ended"); }
      else if (data.status === "abandoned") { setStatus(data.left_message ? "left" : "ended"); }
    } else if (data.type === "offer_message") {
      if (status === "waiting") { ui.offer.hidden = false; ui.compose.hidden = true; }
    } else if (data.type === "error") {
      ui.error.textContent = data.message;
      ui.error.hidden = false;
      if (data.code === "not_found" && !status) { remember(null); ui.form.hidden = false; }
    }
  }

  function build() {
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = L.__stylesheet;
    document.head.appendChild(link);
    var rootNode = el("div", "latido-chat");
    var launcher = button("latido-chat-launcher", L.launcher);
    launcher.setAttribute("aria-expanded", "false");
    var panel = el("section", "latido-chat-panel");
    panel.hidden = true;
    panel.setAttribute("aria-label", L.title);
    var head = el("header", "latido-chat-head");
    head.appendChild(el("h2", "latido-chat-title", L.title));
    var close = button("latido-chat-close", "×");
    close.setAttribute("aria-label", L.close);
    head.appendChild(close);
    panel.appendChild(head);

    ui.lines = el("ol", "latido-chat-lines");
    ui.lines.setAttribute("aria-live", "polite");
    ui.seen = {};
    panel.appendChild(ui.lines);
    ui.notice = el("p", "latido-chat-notice");
    ui.notice.setAttribute("role", "status");
    ui.notice.hidden = true;
    panel.appendChild(ui.notice);
    ui.typing = el("p", "latido-chat-typing", L.typing_agent);
    ui.typing.hidden = true;
    panel.appendChild(ui.typing);
    ui.error = el("p", "latido-chat-error");
    ui.error.setAttribute("role", "alert");
    ui.error.hidden = true;
    panel.appendChild(ui.error);

    // Pre-chat form
    ui.form = el("form", "latido-chat-form");
    ui.form.appendChild(el("p", "latido-chat-intro", L.intro));
    var name = input("text", "name", 120), email = input("email", "email", 254);
    var first = input("textarea", "message", 4000);
    name.autocomplete = "name";
    email.autocomplete = "email";
    ui.form.appendChild(field(L.name, name));
    ui.form.appendChild(field(L.email, email));
    ui.form.appendChild(field(L.message, first));
    ui.form.appendChild(button("latido-chat-primary", L.start, "submit"));
    ui.form.addEventListener("submit", function (event) {
      event.preventDefault();
      ui.error.hidden = true;
      send({type: "start", name: name.value, email: email.value, message: first.value});
    });
    panel.appendChild(ui.form);

    // Compose box for an ongoing chat
    ui.compose = el("form", "latido-chat-compose");
    ui.compose.hidden = true;
    var reply = input("textarea", "body", 4000);
    reply.rows = 2;
    ui.compose.appendChild(field(L.reply, reply));
    var actions = el("div", "latido-chat-actions");
    actions.appendChild(button("latido-chat-primary", L.send, "submit"));
    ui.end = button("", L.end);
    ui.end.hidden = true;
    actions.appendChild(ui.end);
    ui.compose.appendChild(actions);
    ui.compose.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = reply.value.trim();
      if (!body) { return; }
      ui.error.hidden = true;
      send({type: "message", body: body});
      send({type: "typing", on: false});
      lastTyping = 0;
      reply.value = "";
    });
    reply.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); ui.compose.requestSubmit(); }
    });
    reply.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTyping > 2000) { lastTyping = now; send({type: "typing", on: true}); }
    });
    ui.end.addEventListener("click", function () { send({type: "end"}); });
    panel.appendChild(ui.compose);

    // No agent in time: leave a message instead
    ui.offer = el("form", "latido-chat-offer");
    ui.offer.hidden = true;
    ui.offer.appendChild(el("p", null, L.offer));
    var note = input("textarea", "note", 4000);
    ui.offer.appendChild(field(L.note, note));
    var offerActions = el("div", "latido-chat-actions");
    offerActions.appendChild(button("latido-chat-primary", L.leave, "submit"));
    var keep = button("", L.keep_waiting);
    offerActions.appendChild(keep);
    ui.offer.appendChild(offerActions);
    ui.offer.addEventListener("submit", function (event) {
      event.preventDefault();
      ui.error.hidden = true;
      send({type: "leave_message", body: note.value});
    });
    keep.addEventListener("click", function () { ui.offer.hidden = true; ui.compose.hidden = false; });
    panel.appendChild(ui.offer);

    function toggle(show) {
      panel.hidden = !show;
      launcher.setAttribute("aria-expanded", show ? "true" : "false");
      if (show && !status) {
        var token = remembered();
        if (token) { ui.form.hidden = true; send({type: "resume", token: token}); }
        else { name.focus(); }
      }
    }
    launcher.addEventListener("click", function () { toggle(panel.hidden); });
    close.addEventListener("click", function () { toggle(false); launcher.focus(); });
    rootNode.appendChild(panel);
    rootNode.appendChild(launcher);
    document.body.appendChild(rootNode);
    ui.toggle = toggle;
    if (remembered()) {  // a chat in progress follows the visitor across pages
      ui.autoOpened = true;
      toggle(true);
    }
  }

  var lang = script.dataset.lang || navigator.language || "";
  fetch(base + "/chat/widget/" + encodeURIComponent(key) + "/config?lang=" + encodeURIComponent(lang),
        {credentials: "omit", mode: "cors"})
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (config) {
      if (!config) { return; }
      L = config.labels;
      L.__lang = config.language;
      L.__stylesheet = config.stylesheet;
      if (document.body) { build(); } else { document.addEventListener("DOMContentLoaded", build); }
    })
    .catch(function () { /* the help desk is unreachable: show nothing */ });
})();
