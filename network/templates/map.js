/* Brobyg's social-capital map: fetches the graph from the map's JSON resource (the
   container's data-src) or reads it from a JSON data block (standalone files), and draws it
   with vis-network: physics off, positions precomputed, edges hidden while dragging or
   zooming large maps. Above the server's threshold the map opens clustered by group
   (municipality or community); a cluster opens by click or from the list beside the map.
   Tooltips are plain strings, which vis-network sets as text, never HTML. */
(function () {
  "use strict";
  var LARGE = 500;

  function say(status, text) {
    if (status) { status.textContent = text; }
  }

  function visNodes(graph) {
    var out = new Array(graph.nodes.length);
    var focus = graph.focus;
    for (var i = 0; i < graph.nodes.length; i++) {
      var n = graph.nodes[i];
      var focused = focus !== null && focus !== undefined && n.id === focus;
      out[i] = {
        id: n.id, label: n.label, title: n.title, x: n.x, y: n.y, shape: n.shape, size: n.size,
        cgroup: n.group, borderWidth: focused ? 5 : 1,
        color: { background: n.color, border: focused ? "#000000" : n.color }
      };
    }
    return out;
  }

  function visEdges(graph) {
    var colours = {};
    Object.keys(graph.styles).forEach(function (form) {
      var c = graph.styles[form].color;
      colours[form] = { color: c, highlight: c, hover: c };
    });
    var out = new Array(graph.edges.length);
    for (var i = 0; i < graph.edges.length; i++) {
      var e = graph.edges[i];
      var style = graph.styles[e.form];
      out[i] = {
        id: e.id, from: e.from, to: e.to, title: e.title, dashes: style.dashes,
        width: style.width, color: colours[e.form]
      };
    }
    return out;
  }

  function groupCounts(nodes) {
    var counts = {};
    for (var i = 0; i < nodes.length; i++) {
      var key = nodes[i].cgroup;
      counts[key] = (counts[key] || 0) + 1;
    }
    return counts;
  }

  function clusterAll(network, graph, counts) {
    var keys = Object.keys(counts).filter(function (k) { return counts[k] > 1; });
    keys.sort(function (a, b) { return counts[b] - counts[a] || a.localeCompare(b); });
    var top = keys.length ? counts[keys[0]] : 1;
    keys.forEach(function (key) {
      if (network.isCluster("cluster:" + key)) { return; }
      var name = graph.groups[key] || key;
      network.cluster({
        joinCondition: function (options) { return options.cgroup === key; },
        clusterNodeProperties: {
          id: "cluster:" + key, label: name + " (" + counts[key] + ")",
          title: name + ": " + counts[key] + " " + graph.words.actors,
          shape: "dot", size: 15 + 35 * Math.sqrt(counts[key] / top),
          borderWidth: 2, color: { background: "#dde6f3", border: "#1f5fa8" },
          font: { size: 18, color: "#1a1a1a", strokeWidth: 4, strokeColor: "#ffffff" },
          cgroupKey: key
        }
      }, false);
    });
    network.body.emitter.emit("_dataChanged");
    return keys;
  }

  function controls(container, network, graph, counts) {
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
    box.appendChild(label);
    box.appendChild(select);
    box.appendChild(open);
    box.appendChild(again);
    box.appendChild(status);
    container.parentNode.insertBefore(box, container);

    function fill(keys) {
      while (select.firstChild) { select.removeChild(select.firstChild); }
      keys.forEach(function (key) {
        var option = document.createElement("option");
        option.value = key;
        option.textContent = (graph.groups[key] || key) + " (" + counts[key] + ")";
        select.appendChild(option);
      });
      open.disabled = keys.length === 0;
      container.setAttribute("data-clusters", String(keys.length));
    }
    function openGroup(key) {
      var clusterId = "cluster:" + key;
      if (!network.isCluster(clusterId)) { return; }
      var members = network.getNodesInCluster(clusterId);
      network.openCluster(clusterId);
      var option = select.querySelector('option[value="' + CSS.escape(key) + '"]');
      if (option) { select.removeChild(option); }
      open.disabled = select.options.length === 0;
      container.setAttribute("data-clusters", String(select.options.length));
      network.fit({ nodes: members, animation: false });
      say(status, graph.words.opened + ": " + (graph.groups[key] || key) + ", " +
          members.length + " " + graph.words.actors);
    }
    fill(clusterAll(network, graph, counts));
    open.addEventListener("click", function () { if (select.value) { openGroup(select.value); } });
    again.addEventListener("click", function () {
      var keys = clusterAll(network, graph, counts);
      fill(keys);
      network.fit({ animation: false });
      say(status, graph.words.regroup + ": " + keys.length + " " + graph.words.groups);
    });
    return openGroup;
  }

  function draw(container, graph) {
    var nodes = visNodes(graph);
    var edges = visEdges(graph);
    var large = nodes.length > LARGE;
    container.classList.add("map-live");
    var network = new vis.Network(container, {
      nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges)
    }, {
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
    var openGroup = null;
    if (graph.cluster_by) {
      openGroup = controls(container, network, graph, groupCounts(nodes));
    }
    network.on("click", function (params) {
      if (params.nodes.length !== 1) { return; }
      var id = params.nodes[0];
      if (network.isCluster(id)) {
        var key = network.body.nodes[id].options.cgroupKey;
        if (openGroup && key !== undefined) { openGroup(key); }
      } else if (graph.actor_url) {
        window.location.href = graph.actor_url + id;
      }
    });
    if (graph.focus !== null && graph.focus !== undefined) {
      network.once("afterDrawing", function () { network.fit({ animation: false }); });
    }
    network.once("afterDrawing", function () {
      container.setAttribute("data-drawn", String(nodes.length));
    });
    window.brobygMap = network;
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
