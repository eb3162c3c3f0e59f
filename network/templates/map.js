/* Brobyg's social-capital map: fetches the graph from the map's JSON resource (the
   container's data-src) or reads it from a JSON data block (standalone files), and draws it
   with vis-network: physics off, positions precomputed, edges hidden while dragging or
   zooming large maps. Above the server's threshold the map opens grouped (municipality
   or community); a group opens by click or from the list beside the map.
   Tooltips are plain strings, which vis-network sets as text, never HTML. */
(function () {
  "use strict";
  var LARGE = 500;

  function say(status, text) {
    if (status) { status.textContent = text; }
  }

  /* Colours and line styles come from the server (network/styles.py), as the legend's do;
     a sector shows also by its actors' border pattern, a kind by its shape. */
  var UNKNOWN = { color: "#555555", dashes: false };

  function visNodes(graph) {
    var out = new Array(graph.nodes.length);
    var focus = graph.focus;
    var sectors = graph.styles.sectors;
    for (var i = 0; i < graph.nodes.length; i++) {
      var n = graph.nodes[i];
      var focused = focus !== null && focus !== undefined && n.id === focus;
      var sector = sectors[n.sector] || UNKNOWN;
      out[i] = {
        id: n.id, label: n.label, title: n.title, x: n.x, y: n.y, shape: n.shape, size: n.size,
        cgroup: n.group, csub: n.sub, borderWidth: focused ? 5 : 2,
        shapeProperties: { borderDashes: sector.dashes },
        color: {
          background: sector.color, border: "#1a1a1a",
          highlight: { background: sector.color, border: "#000000" },
          hover: { background: sector.color, border: "#000000" }
        }
      };
    }
    return out;
  }

  function visEdges(graph) {
    var colours = {}, forms = graph.styles.forms;
    Object.keys(forms).forEach(function (form) {
      var c = forms[form].color;
      colours[form] = { color: c, highlight: c, hover: c };
    });
    var out = new Array(graph.edges.length);
    for (var i = 0; i < graph.edges.length; i++) {
      var e = graph.edges[i];
      var style = forms[e.form];
      out[i] = {
        id: e.id, from: e.from, to: e.to, title: e.title, dashes: style.dashes,
        width: style.width, color: colours[e.form], form: e.form
      };
    }
    return out;
  }

  /* Large maps open grouped. Building every actor and tie as a vis-network object and then
     calling network.cluster() took 3 s plus 4 s at 5,000 actors, so the grouping is kept
     here: a closed group is one node (at its members' mean position) and ties between
     groups are summed into one edge per pair; opening a group puts its members and their
     ties into the data sets. Only what is visible is ever a vis-network object. */
  function Groups(graph, nodes, edges) {
    this.graph = graph;
    this.nodes = nodes;
    this.edges = edges;
    this.byId = {};
    this.members = {};
    this.subs = {};
    this.closed = {};
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      this.byId[n.id] = n;
      (this.members[n.cgroup] = this.members[n.cgroup] || []).push(n);
      if (n.csub !== undefined) {
        if (!this.members[n.csub]) {
          this.members[n.csub] = [];
          (this.subs[n.cgroup] = this.subs[n.cgroup] || []).push(n.csub);
        }
        this.members[n.csub].push(n);
      }
    }
    this.keys = this.ordered(Object.keys(this.members).filter(function (k) {
      return !Object.prototype.hasOwnProperty.call(this.byParent(), k);
    }, this));
    this.spots = {};
    this.place(this.keys);
    Object.keys(this.subs).forEach(function (key) { this.place(this.ordered(this.subs[key])); }, this);
  }
  Groups.prototype.byParent = function () {
    if (!this.parents) {
      var parents = {}, subs = this.subs;
      Object.keys(subs).forEach(function (key) {
        subs[key].forEach(function (sub) { parents[sub] = key; });
      });
      this.parents = parents;
    }
    return this.parents;
  };
  Groups.prototype.ordered = function (keys) {
    var members = this.members;
    return keys.filter(function (k) { return members[k].length > 1; }).sort(function (a, b) {
      return members[b].length - members[a].length || a.localeCompare(b);
    });
  };
  Groups.prototype.name = function (key) { return this.graph.groups[key] || key; };
  Groups.prototype.count = function (key) { return this.members[key].length; };
  Groups.prototype.closeAll = function () {
    var self = this;
    Object.keys(this.members).forEach(function (key) { self.closed[key] = true; });
  };
  Groups.prototype.closedKeys = function () {
    var self = this, out = [];
    this.keys.forEach(function (key) {
      if (self.closed[key]) { out.push(key); return; }
      self.ordered(self.subs[key] || []).forEach(function (sub) {
        if (self.closed[sub]) { out.push(sub); }
      });
    });
    return out;
  };
  Groups.prototype.owner = function (id) {
    var n = this.byId[id];
    if (this.closed[n.cgroup] && this.members[n.cgroup].length > 1) { return "cluster:" + n.cgroup; }
    if (n.csub !== undefined && this.closed[n.csub] && this.members[n.csub].length > 1) {
      return "cluster:" + n.csub;
    }
    return id;
  };
  Groups.prototype.radius = function (key) {
    return 12 + 9 * Math.log(this.members[key].length) / Math.LN10;
  };
  /* A group sits at its members' mean position, pushed apart from its neighbours at the
     same level so that no group hides another (means of small groups often coincide). */
  Groups.prototype.place = function (keys) {
    var self = this, spots = keys.map(function (key) {
      var list = self.members[key], x = 0, y = 0;
      for (var i = 0; i < list.length; i++) { x += list[i].x; y += list[i].y; }
      return { key: key, x: x / list.length, y: y / list.length, r: self.radius(key) };
    });
    for (var round = 0; round < 60; round++) {
      var moved = false;
      for (var i = 0; i < spots.length; i++) {
        for (var j = i + 1; j < spots.length; j++) {
          var a = spots[i], b = spots[j], dx = b.x - a.x, dy = b.y - a.y;
          var gap = a.r + b.r + 90, dist = Math.sqrt(dx * dx + dy * dy);
          if (dist >= gap) { continue; }
          if (dist < 1e-6) { dx = Math.cos(i + j); dy = Math.sin(i + j); dist = 1; }
          var push = (gap - dist) / 2 / dist;
          a.x -= dx * push; a.y -= dy * push; b.x += dx * push; b.y += dy * push;
          moved = true;
        }
      }
      if (!moved) { break; }
    }
    spots.forEach(function (spot) { self.spots[spot.key] = spot; });
  };
  Groups.prototype.clusterNode = function (key) {
    var count = this.members[key].length, name = this.name(key), spot = this.spots[key];
    return {
      id: "cluster:" + key, label: name + " (" + count + ")",
      title: name + ": " + count + " " + this.graph.words.actors,
      x: spot.x, y: spot.y, shape: "dot", size: this.radius(key),
      borderWidth: 2, color: { background: "#dde6f3", border: "#1f5fa8" },
      font: { size: 18, color: "#1a1a1a", strokeWidth: 4, strokeColor: "#ffffff" },
      cluster: key
    };
  };
  Groups.prototype.visibleNodes = function () {
    var out = [], self = this;
    this.closedKeys().forEach(function (key) { out.push(self.clusterNode(key)); });
    for (var i = 0; i < this.nodes.length; i++) {
      var n = this.nodes[i];
      if (this.owner(n.id) === n.id) { out.push(n); }
    }
    return out;
  };
  Groups.prototype.visibleEdges = function () {
    var out = {}, sums = {};
    for (var i = 0; i < this.edges.length; i++) {
      var e = this.edges[i], a = this.owner(e.from), b = this.owner(e.to);
      if (a === e.from && b === e.to) { out[e.id] = e; continue; }
      if (a === b) { continue; }
      var id = a < b ? "sum:" + a + "|" + b : "sum:" + b + "|" + a;
      if (sums[id]) { sums[id].count += 1; } else { sums[id] = { id: id, from: a, to: b, count: 1 }; }
    }
    var words = this.graph.words;
    Object.keys(sums).forEach(function (id) {
      var s = sums[id];
      out[id] = {
        id: id, from: s.from, to: s.to, title: words.ties + ": " + s.count,
        width: Math.min(12, 1 + Math.log(s.count) * 1.5), color: { color: "#8a8a8a", opacity: 0.6 }
      };
    });
    return out;
  };

  function show(data, groups) {
    var wanted = {}, shown = data.nodes, had = {}, add = [], drop = [];
    groups.visibleNodes().forEach(function (n) { wanted[n.id] = n; });
    shown.getIds().forEach(function (id) {
      had[id] = true;
      if (!wanted[id]) { drop.push(id); }
    });
    Object.keys(wanted).forEach(function (id) { if (!had[wanted[id].id]) { add.push(wanted[id]); } });
    shown.remove(drop);
    shown.add(add);
    var edges = groups.visibleEdges(), oldIds = data.edges.getIds(), keep = {}, gone = [], fresh = [];
    oldIds.forEach(function (id) {
      if (edges[id] && !(typeof id === "string" && id.indexOf("sum:") === 0)) { keep[id] = true; } else { gone.push(id); }
    });
    Object.keys(edges).forEach(function (id) { if (!keep[edges[id].id]) { fresh.push(edges[id]); } });
    data.edges.remove(gone);
    data.edges.add(fresh);
  }

  function controls(container, network, data, groups) {
    var graph = groups.graph;
    var box = document.createElement("div");
    box.className = "map-clusters";
    var id = container.id + "-groups";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = graph.words.group_list;
    var select = document.createElement("select");
    select.id = id;
    var open = document.createElement("button");
    open.type = "button";
    open.className = "button";
    open.textContent = graph.words.open_group;
    var again = document.createElement("button");
    again.type = "button";
    again.className = "button secondary";
    again.textContent = graph.words.regroup;
    var status = document.createElement("p");
    status.className = "map-status";
    status.setAttribute("role", "status");
    [label, select, open, again, status].forEach(function (el) { box.appendChild(el); });
    container.parentNode.insertBefore(box, container);

    function fill() {
      while (select.firstChild) { select.removeChild(select.firstChild); }
      var keys = groups.closedKeys();
      keys.forEach(function (key) {
        var option = document.createElement("option");
        option.value = key;
        option.textContent = groups.name(key) + " (" + groups.count(key) + ")";
        select.appendChild(option);
      });
      open.disabled = keys.length === 0;
      container.setAttribute("data-clusters", String(keys.length));
    }
    function openGroup(key) {
      if (!groups.closed[key]) { return; }
      groups.closed[key] = false;
      show(data, groups);
      fill();
      var seen = {}, visible = [];
      groups.members[key].forEach(function (n) {
        var owner = groups.owner(n.id);
        if (!seen[owner]) { seen[owner] = true; visible.push(owner); }
      });
      network.fit({ nodes: visible, animation: false });
      say(status, graph.words.opened + ": " + groups.name(key) + ", " +
          groups.count(key) + " " + graph.words.actors);
    }
    open.addEventListener("click", function () { if (select.value) { openGroup(select.value); } });
    again.addEventListener("click", function () {
      groups.closeAll();
      show(data, groups);
      fill();
      network.fit({ animation: false });
      say(status, graph.words.regroup + ": " + groups.closedKeys().length + " " + graph.words.groups);
    });
    fill();
    return openGroup;
  }

  function mark(name) {
    if (window.performance && performance.mark) { performance.mark("brobyg-map-" + name); }
  }

  function draw(container, graph) {
    mark("data");
    var nodes = visNodes(graph);
    var edges = visEdges(graph);
    var large = nodes.length > LARGE;
    var groups = null;
    var data = { nodes: new vis.DataSet(), edges: new vis.DataSet() };
    if (graph.cluster_by) {
      groups = new Groups(graph, nodes, edges);
      groups.closeAll();
      show(data, groups);
    } else {
      data.nodes.add(nodes);
      data.edges.add(edges);
    }
    container.classList.add("map-live");
    var network = new vis.Network(container, data, {
      physics: false,
      layout: { improvedLayout: false },
      interaction: {
        hover: !large, tooltipDelay: 150, navigationButtons: false,
        keyboard: { enabled: true, bindToWindow: false },
        hideEdgesOnDrag: large, hideEdgesOnZoom: large
      },
      nodes: { shape: "dot", font: { size: 14, color: "#1a1a1a", strokeWidth: 3, strokeColor: "#ffffff" } },
      edges: { smooth: false }
    });
    mark("built");
    var openGroup = groups ? controls(container, network, data, groups) : null;
    network.on("click", function (params) {
      if (params.nodes.length !== 1) { return; }
      var id = params.nodes[0];
      if (typeof id === "string" && id.indexOf("cluster:") === 0) {
        if (openGroup) { openGroup(id.slice(8)); }
      } else if (graph.actor_url) {
        window.location.href = graph.actor_url + id;
      }
    });
    if (graph.focus !== null && graph.focus !== undefined) {
      network.once("afterDrawing", function () { network.fit({ animation: false }); });
    }
    network.once("afterDrawing", function () {
      mark("drawn");
      container.setAttribute("data-drawn", String(nodes.length));
    });
    window.brobygMap = network;
    window.brobygMapData = data;  // the drawn nodes and ties, for tests and the console
  }

  function start() {
    var container = document.getElementById("map");
    if (!container || typeof vis === "undefined") { return; }
    var src = container.getAttribute("data-src");
    if (!src) {
      var block = document.getElementById("graph-data");
      if (block) { draw(container, JSON.parse(block.textContent)); }
      return;
    }
    container.setAttribute("aria-busy", "true");
    fetch(src, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (graph) {
        container.removeAttribute("aria-busy");
        draw(container, graph);
      })
      .catch(function () {
        container.removeAttribute("aria-busy");
        var note = document.createElement("p");
        note.className = "map-error";
        note.textContent = container.getAttribute("data-error") || "";
        container.appendChild(note);
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
