/* Brobyg: actor comboboxes (WAI-ARIA 1.2 combobox with a listbox popup, list autocomplete).
 *
 * Turns each `[data-combobox]` text input rendered by app/actor_field.py into a combobox fed
 * by its `data-source` (JSON: {items: [{id, name, kind, municipality}]}). One actor: the id
 * goes into the hidden input beside it. Several (`data-multiple`): each chosen actor is a
 * list item with a hidden input named like the field and a Remove button. Without this
 * script the text input stays a plain field and the server resolves typed names.
 */
(function () {
  "use strict";

  var DELAY_MS = 150;
  var LIMIT = 10;
  var uid = 0;

  function fold(text) {
    return (text || "").normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase();
  }

  function fill(template, key, value) {
    return (template || "").split("{" + key + "}").join(value);
  }

  function Combobox(root) {
    this.root = root;
    this.input = root.querySelector("input[type=text]");
    this.hidden = root.querySelector("[data-combobox-value]");
    this.multiple = root.hasAttribute("data-multiple");
    this.fieldName = root.getAttribute("data-name");
    this.source = root.getAttribute("data-source");
    this.items = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    this.asked = "";
    uid += 1;
    var base = (this.input.id || "combobox") + "-" + uid;

    this.listbox = document.createElement("ul");
    this.listbox.id = base + "-listbox";
    this.listbox.className = "combobox-listbox";
    this.listbox.setAttribute("role", "listbox");
    this.listbox.hidden = true;
    var label = document.querySelector('label[for="' + this.input.id + '"]');
    if (label) {
      if (!label.id) label.id = base + "-label";
      this.listbox.setAttribute("aria-labelledby", label.id);
    }
    this.status = document.createElement("div");
    this.status.className = "visually-hidden";
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    root.appendChild(this.listbox);
    root.appendChild(this.status);

    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("aria-expanded", "false");
    this.input.setAttribute("aria-controls", this.listbox.id);
    this.input.setAttribute("autocomplete", "off");

    if (this.multiple) this.enhanceChosen();
    this.bind();
  }

  Combobox.prototype.text = function (key) {
    return this.root.getAttribute("data-" + key) || "";
  };

  Combobox.prototype.say = function (message) {
    var status = this.status;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  };

  /* --- several actors: the chosen ones as a list with Remove buttons ------------------ */

  Combobox.prototype.chosenList = function () {
    var list = this.root.querySelector(".combobox-chosen");
    if (!list) {
      list = document.createElement("ul");
      list.className = "combobox-chosen";
      this.root.insertBefore(list, this.input);
    }
    return list;
  };

  Combobox.prototype.enhanceChosen = function () {
    var self = this;
    var boxes = this.root.querySelectorAll(".combobox-chosen input[type=checkbox]");
    Array.prototype.forEach.call(boxes, function (box) {
      var item = box.closest("li");
      var label = item.querySelector("label");
      var name = label ? label.textContent.trim() : box.value;
      if (!box.checked) { item.remove(); return; }
      item.replaceWith(self.chip(box.value, name));
    });
  };

  Combobox.prototype.chip = function (id, name) {
    var self = this;
    var item = document.createElement("li");
    item.setAttribute("data-id", id);
    var text = document.createElement("span");
    text.textContent = name;
    var value = document.createElement("input");
    value.type = "hidden";
    value.name = this.fieldName;
    value.value = id;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "combobox-remove";
    var mark = document.createElement("span");
    mark.setAttribute("aria-hidden", "true");
    mark.textContent = "×";
    var words = document.createElement("span");
    words.className = "visually-hidden";
    words.textContent = fill(this.text("remove"), "name", name);
    button.appendChild(mark);
    button.appendChild(words);
    button.addEventListener("click", function () {
      var next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      self.say(fill(self.text("removed"), "name", name));
      var focus = next ? next.querySelector("button") : self.input;
      focus.focus();
    });
    item.appendChild(text);
    item.appendChild(value);
    item.appendChild(button);
    return item;
  };

  Combobox.prototype.chosenIds = function () {
    var ids = {};
    var values = this.root.querySelectorAll(".combobox-chosen input");
    Array.prototype.forEach.call(values, function (v) { ids[v.value] = true; });
    return ids;
  };

  /* --- the popup ------------------------------------------------------------------------ */

  Combobox.prototype.isOpen = function () {
    return !this.listbox.hidden;
  };

  Combobox.prototype.open = function () {
    if (!this.items.length) return;
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Combobox.prototype.close = function () {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.activate(-1);
  };

  Combobox.prototype.activate = function (index) {
    var options = this.listbox.children;
    if (this.active >= 0 && options[this.active]) {
      options[this.active].setAttribute("aria-selected", "false");
    }
    this.active = index;
    if (index >= 0 && options[index]) {
      options[index].setAttribute("aria-selected", "true");
      this.input.setAttribute("aria-activedescendant", options[index].id);
      if (options[index].scrollIntoView) options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  Combobox.prototype.render = function (items) {
    var self = this;
    var taken = this.multiple ? this.chosenIds() : {};
    this.items = items.filter(function (item) { return !taken[String(item.id)]; });
    this.listbox.textContent = "";
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    this.items.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = self.listbox.id + "-" + index;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      var name = document.createElement("span");
      name.className = "combobox-name";
      name.textContent = item.name;
      option.appendChild(name);
      var where = [item.kind, item.municipality].filter(Boolean).join(" · ");
      if (where) {
        var meta = document.createElement("span");
        meta.className = "combobox-meta";
        meta.textContent = where;
        option.appendChild(meta);
      }
      option.addEventListener("click", function () { self.choose(index); });
      self.listbox.appendChild(option);
    });
    var n = this.items.length;
    if (n) this.open(); else this.close();
    this.say(n === 0 ? this.text("none") : n === 1 ? this.text("one") : fill(this.text("many"), "n", String(n)));
  };

  Combobox.prototype.search = function (then) {
    var self = this;
    var query = this.input.value.trim();
    if (!query) { this.items = []; this.close(); return; }
    if (query === this.asked && this.items.length) { this.open(); if (then) then(); return; }
    if (this.request) this.request.abort();
    var controller = window.AbortController ? new AbortController() : null;
    this.request = controller;
    var sep = this.source.indexOf("?") >= 0 ? "&" : "?";
    var url = this.source + sep + "q=" + encodeURIComponent(query) + "&limit=" + LIMIT;
    fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        self.asked = query;
        self.render(data.items || []);
        if (then) then();
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") return;
        self.items = [];
        self.close();
        self.say(self.text("failed"));
      });
  };

  Combobox.prototype.choose = function (index) {
    var item = this.items[index];
    if (!item) return;
    if (this.multiple) {
      this.chosenList().appendChild(this.chip(String(item.id), item.name));
      this.input.value = "";
      this.asked = "";
    } else {
      this.input.value = item.name;
      this.input.setAttribute("data-chosen-name", item.name);
      if (this.hidden) this.hidden.value = String(item.id);
      this.asked = item.name;
    }
    this.close();
    this.say(fill(this.text("chosen"), "name", item.name));
    this.input.focus();
  };

  Combobox.prototype.move = function (step) {
    var n = this.items.length;
    if (!n) return;
    var next = this.active < 0 ? (step > 0 ? 0 : n - 1) : (this.active + step + n) % n;
    this.activate(next);
  };

  Combobox.prototype.bind = function () {
    var self = this;
    this.input.addEventListener("input", function () {
      if (!self.multiple && self.hidden) {
        var chosen = self.input.getAttribute("data-chosen-name") || "";
        if (fold(self.input.value) !== fold(chosen)) self.hidden.value = "";
      }
      window.clearTimeout(self.timer);
      self.timer = window.setTimeout(function () { self.search(); }, DELAY_MS);
    });
    this.input.addEventListener("keydown", function (event) {
      if (event.isComposing) return;
      switch (event.key) {
        case "ArrowDown":
          event.preventDefault();
          if (self.isOpen()) { if (!event.altKey) self.move(1); }
          else self.search(function () { if (!event.altKey) self.activate(0); });
          break;
        case "ArrowUp":
          event.preventDefault();
          if (self.isOpen()) self.move(-1);
          else self.search(function () { self.activate(self.items.length - 1); });
          break;
        case "Home":
        case "End":
          if (self.isOpen() && self.active >= 0) {
            event.preventDefault();
            self.activate(event.key === "Home" ? 0 : self.items.length - 1);
          }
          break;
        case "Enter":
          if (self.isOpen() && self.active >= 0) {
            event.preventDefault();
            self.choose(self.active);
          }
          break;
        case "Escape":
          if (self.isOpen()) {
            event.preventDefault();
            self.close();
          } else if (self.input.value) {
            event.preventDefault();
            self.input.value = "";
            if (!self.multiple && self.hidden) self.hidden.value = "";
          }
          break;
        case "Tab":
          self.close();
          break;
        default:
          break;
      }
    });
    this.input.addEventListener("blur", function () {
      window.setTimeout(function () {
        if (document.activeElement !== self.input) self.close();
      }, 150);
    });
    // Keep the focus in the input while an option is clicked.
    this.listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
  };

  Array.prototype.forEach.call(document.querySelectorAll("[data-combobox]"), function (root) {
    if (root.querySelector("input[type=text]")) new Combobox(root);
  });
})();
