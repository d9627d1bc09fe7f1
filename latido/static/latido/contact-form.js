/* Latido web contact form — paste into any page:
 *
 *   <script src="https://HOST/static/latido/contact-form.js" data-latido-form="KEY" async></script>
 *
 * Optional attributes on the script tag:
 *   data-latido-target="#contact"  where to draw the form (a CSS selector); default: right
 *                                  after the script tag
 *   data-lang="es"                 the form's language; default: the visitor's browser
 *   data-latido-host="https://…"   the Latido server, when the script is served from a CDN
 *   data-latido-css="none"         do not load Latido's stylesheet (style .latido-cf yourself)
 *
 * Plain JavaScript, no build step. The DOM is built with createElement/textContent only, so
 * nothing the server or a visitor sends is ever parsed as HTML; requests carry no cookies.
 * Works under a strict Content-Security-Policy on the host page as long as script-src,
 * style-src and connect-src allow the Latido host (no inline script or style is used).
 */
(function () {
  "use strict";

  var FIELDS = ["name", "email", "subject", "message", "attachments"];
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      node.setAttribute(name, attrs[name]);
    });
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  function loadStylesheet(script) {
    if (script.getAttribute("data-latido-css") === "none") {
      return;
    }
    var href = script.src.replace(/contact-form\.js(\?.*)?$/, "contact-form.css");
    if (document.querySelector('link[data-latido-cf-css]')) {
      return;
    }
    var link = el("link", { rel: "stylesheet", href: href, "data-latido-cf-css": "" });
    document.head.appendChild(link);
  }

  function mountPoint(script) {
    var selector = script.getAttribute("data-latido-target");
    var target = selector ? document.querySelector(selector) : null;
    if (target) {
      return target;
    }
    var box = el("div", {});
    if (script.parentNode && script.parentNode !== document.head) {
      script.parentNode.insertBefore(box, script.nextSibling);
    } else {
      document.body.appendChild(box);
    }
    return box;
  }

  function hideHoneypot(box) {
    // Also hidden through the CSSOM (allowed under CSP), in case the stylesheet is skipped.
    box.style.position = "absolute";
    box.style.left = "-10000px";
    box.style.width = "1px";
    box.style.height = "1px";
    box.style.overflow = "hidden";
  }

  function Widget(mount, cfg, configUrl) {
    this.mount = mount;
    this.cfg = cfg;
    this.configUrl = configUrl;
    this.labels = cfg.labels;
    this.uid = "latido-cf-" + (++counter);
    this.boxes = {};
    this.inputs = {};
    this.render();
  }

  Widget.prototype.field = function (name, input, optional, help) {
    var L = this.labels;
    var id = this.uid + "-" + name;
    var box = el("div", { "class": "latido-cf-field" });
    var label = el("label", { "for": id }, L[name]);
    if (optional) {
      label.appendChild(document.createTextNode(" "));
      label.appendChild(el("span", { "class": "latido-cf-optional" }, "(" + L.optional + ")"));
    }
    input.id = id;
    input.name = name;
    box.appendChild(label);
    box.appendChild(input);
    if (help) {
      var helpNode = el("p", { "class": "latido-cf-help", id: id + "-help" }, help);
      input.setAttribute("aria-describedby", helpNode.id);
      box.appendChild(helpNode);
    }
    this.boxes[name] = box;
    this.inputs[name] = input;
    return box;
  };

  Widget.prototype.render = function () {
    var cfg = this.cfg;
    var L = this.labels;
    var root = el("div", { "class": "latido-cf", lang: cfg.language });
    root.appendChild(el("h2", { "class": "latido-cf-title" }, L.title));
    root.appendChild(el("p", { "class": "latido-cf-intro" }, L.intro));
    this.alert = el("p", { "class": "latido-cf-alert", role: "alert" });
    this.alert.hidden = true;
    root.appendChild(this.alert);

    var form = el("form", { "class": "latido-cf-form", method: "post",
      enctype: "multipart/form-data" });
    form.appendChild(this.field("name", el("input", { type: "text", maxlength: "120",
      autocomplete: "name", required: "" })));
    form.appendChild(this.field("email", el("input", { type: "email", maxlength: "254",
      autocomplete: "email", required: "" })));
    form.appendChild(this.field("subject", el("input", { type: "text", maxlength: "250" }), true));
    form.appendChild(this.field("message", el("textarea", { rows: "6", maxlength: "20000",
      required: "" })));
    if (cfg.max_attachments > 0) {
      form.appendChild(this.field("attachments", el("input", { type: "file", multiple: "",
        accept: cfg.accept }), true, L.attachments_help));
    }
    var trap = el("div", { "class": "latido-cf-hp", "aria-hidden": "true" });
    var trapId = this.uid + "-hp";
    trap.appendChild(el("label", { "for": trapId }, L.honeypot));
    trap.appendChild(el("input", { id: trapId, type: "text", name: cfg.fields.honeypot,
      tabindex: "-1", autocomplete: "off" }));
    hideHoneypot(trap);
    form.appendChild(trap);
    this.token = el("input", { type: "hidden", name: cfg.fields.token, value: cfg.token });
    form.appendChild(this.token);
    form.appendChild(el("input", { type: "hidden", name: "page", value: window.location.href }));
    this.button = el("button", { "class": "latido-cf-submit", type: "submit" }, L.submit);
    form.appendChild(this.button);
    form.addEventListener("submit", this.submit.bind(this));
    root.appendChild(form);
    this.form = form;
    this.root = root;
    this.mount.appendChild(root);
  };

  Widget.prototype.clearErrors = function () {
    var self = this;
    this.alert.hidden = true;
    this.alert.textContent = "";
    FIELDS.forEach(function (name) {
      var box = self.boxes[name];
      if (!box) {
        return;
      }
      box.classList.remove("latido-cf-invalid");
      var old = box.querySelector(".latido-cf-error");
      if (old) {
        box.removeChild(old);
      }
      var input = self.inputs[name];
      input.removeAttribute("aria-invalid");
      var help = box.querySelector(".latido-cf-help");
      if (help) {
        input.setAttribute("aria-describedby", help.id);
      } else {
        input.removeAttribute("aria-describedby");
      }
    });
  };

  Widget.prototype.fieldError = function (name, message) {
    var box = this.boxes[name];
    if (!box) {
      return false;
    }
    var input = this.inputs[name];
    var error = el("p", { "class": "latido-cf-error", id: input.id + "-error" }, message);
    box.classList.add("latido-cf-invalid");
    box.appendChild(error);
    input.setAttribute("aria-invalid", "true");
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + error.id);
    return true;
  };

  Widget.prototype.showAlert = function (message) {
    this.alert.textContent = message;
    this.alert.hidden = false;
  };

  Widget.prototype.showErrors = function (data) {
    var self = this;
    var first = null;
    Object.keys(data.errors || {}).forEach(function (name) {
      if (self.fieldError(name, (data.errors[name] || []).join(" ")) && !first) {
        first = self.inputs[name];
      }
    });
    this.showAlert(data.message || this.labels.invalid);
    if (first) {
      first.focus();
    }
    if (data.code === "token_invalid" || data.code === "token_used") {
      this.refreshToken();
    }
  };

  Widget.prototype.refreshToken = function () {
    var self = this;
    fetch(this.configUrl, { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (cfg) {
        if (cfg && cfg.token) {
          self.token.value = cfg.token;
        }
      })
      .catch(function () { /* the visitor can reload the page */ });
  };

  Widget.prototype.checkFiles = function () {
    var input = this.inputs.attachments;
    var files = input ? Array.prototype.slice.call(input.files) : [];
    if (files.length > this.cfg.max_attachments) {
      this.fieldError("attachments", this.labels.too_many_files);
      return false;
    }
    for (var i = 0; i < files.length; i += 1) {
      if (files[i].size > this.cfg.max_attachment_bytes) {
        this.fieldError("attachments",
          this.labels.file_too_large.replace("%(name)s", files[i].name));
        return false;
      }
    }
    return true;
  };

  Widget.prototype.showSuccess = function (data) {
    var box = el("div", { "class": "latido-cf-success", role: "status" });
    box.appendChild(el("p", {}, data.message));
    if (data.reference) {
      box.appendChild(el("p", { "class": "latido-cf-reference" },
        this.labels.reference.replace("%(ref)s", data.reference)));
    }
    this.root.replaceChild(box, this.form);
    this.alert.hidden = true;
  };

  Widget.prototype.submit = function (event) {
    var self = this;
    event.preventDefault();
    this.clearErrors();
    if (!this.checkFiles()) {
      this.showAlert(this.labels.invalid);
      return;
    }
    this.button.disabled = true;
    this.button.textContent = this.labels.sending;
    fetch(this.cfg.submit_url, {
      method: "POST",
      body: new FormData(this.form),
      credentials: "omit",
      headers: { Accept: "application/json" }
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { status: response.status, data: data };
        });
      })
      .then(function (result) {
        if (result.status < 300 && result.data.ok) {
          self.showSuccess(result.data);
        } else {
          self.showErrors(result.data);
        }
      })
      .catch(function () {
        self.showAlert(self.labels.unavailable);
      })
      .then(function () {
        self.button.disabled = false;
        self.button.textContent = self.labels.submit;
      });
  };

  function start(script) {
    if (script.getAttribute("data-latido-ready")) {
      return;
    }
    script.setAttribute("data-latido-ready", "1");
    var key = script.getAttribute("data-latido-form");
    var host = script.getAttribute("data-latido-host") || new URL(script.src, window.location.href).origin;
    var lang = script.getAttribute("data-lang") || navigator.language || "";
    var configUrl = host.replace(/\/$/, "") + "/forms/" + encodeURIComponent(key) +
      "/config?lang=" + encodeURIComponent(lang);
    loadStylesheet(script);
    var mount = mountPoint(script);
    fetch(configUrl, { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (cfg) {
        new Widget(mount, cfg, configUrl);
      })
      .catch(function (error) {
        window.console.error("Latido contact form " + key + " could not load: " + error.message);
      });
  }

  ready(function () {
    var scripts = document.querySelectorAll("script[data-latido-form]");
    Array.prototype.forEach.call(scripts, start);
  });
}());
