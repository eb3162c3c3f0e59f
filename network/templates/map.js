/* Brobyg's social-capital map: reads the graph from a JSON data block and draws it
   with vis-network (physics off, positions precomputed). Tooltips are text nodes,
   never HTML, so no name can inject markup. Shared by the app and standalone files. */
(function () {
  "use strict";
  function textTitle(text) {
    var box = document.createElement("div");
    box.className = "map-tooltip";
    box.textContent = text;
    return box;
  }
  function draw() {
    var block = document.getElementById("graph-data");
    var container = document.getElementById("map");
    if (!block || !container || typeof vis === "undefined") { return; }
    var graph = JSON.parse(block.textContent);
    var urls = {};
    var nodes = graph.nodes.map(function (n) {
      urls[n.id] = n.url;
      return {
        id: n.id, label: n.label, title: textTitle(n.title), x: n.x, y: n.y,
        shape: n.shape, size: n.size, borderWidth: n.focus ? 5 : 1,
        color: { background: n.color, border: n.focus ? "#000000" : n.color },
        font: { size: 14, color: "#1a1a1a", strokeWidth: 3, strokeColor: "#ffffff" }
      };
    });
    var edges = graph.edges.map(function (e) {
      return {
        id: e.id, from: e.from, to: e.to, title: textTitle(e.title), dashes: e.dashes,
        width: e.width, color: { color: e.color, highlight: e.color, hover: e.color }
      };
    });
    container.classList.add("map-live");
    var network = new vis.Network(container, {
      nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges)
    }, {
      physics: false,
      interaction: { hover: true, tooltipDelay: 150, keyboard: { enabled: true, bindToWindow: false },
                     navigationButtons: false, hideEdgesOnDrag: nodes.length > 2000 },
      nodes: { shape: "dot" },
      edges: { smooth: false },
      layout: { improvedLayout: false }
    });
    network.on("click", function (params) {
      if (params.nodes.length === 1 && urls[params.nodes[0]]) {
        window.location.href = urls[params.nodes[0]];
      }
    });
    if (graph.focus !== null && graph.focus !== undefined) {
      network.once("afterDrawing", function () { network.fit(); });
    }
    container.setAttribute("data-drawn", String(nodes.length));
    window.brobygMap = network;
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
