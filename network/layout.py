"""Where each actor sits on the map: a precomputed, seeded layout (the browser runs no physics).

Small maps (up to `FORCE_UP_TO` actors) get a force-directed layout (Fruchterman
and Reingold, pure Python: networkx's layouts need numpy, and its spring layout
takes about 15 s at 2,000 actors). Larger maps place each community as a disc,
its best-connected actors in the middle on a sunflower spiral, and pack the discs
in rows: linear in the number of actors. Must not import `app` or Flask.
"""

import math
import random
from collections import defaultdict
from collections.abc import Hashable

import networkx as nx

FORCE_UP_TO = 150
ITERATIONS = 80
SEED = 7
SPACING = 60.0
GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))

Positions = dict[Hashable, tuple[float, float]]


def force_layout(graph: nx.Graph, seed: int = SEED) -> Positions:
    """Return a seeded Fruchterman-Reingold layout, scaled to map units."""
    nodes = sorted(graph, key=str)
    n = len(nodes)
    if n == 0:
        return {}
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    rng = random.Random(seed)  # noqa: S311 - a reproducible layout, not a secret
    pos = {v: [rng.uniform(-1, 1), rng.uniform(-1, 1)] for v in nodes}
    k = math.sqrt(4.0 / n)
    temperature = 0.2
    cool = temperature / (ITERATIONS + 1)
    edges = [(u, v) for u, v in graph.edges() if u != v]
    for _ in range(ITERATIONS):
        disp = {v: [0.0, 0.0] for v in nodes}
        for i, v in enumerate(nodes):
            pv, dv = pos[v], disp[v]
            for u in nodes[i + 1 :]:
                pu = pos[u]
                dx, dy = pv[0] - pu[0], pv[1] - pu[1]
                dist2 = dx * dx + dy * dy or 1e-9
                force = k * k / dist2
                dv[0] += dx * force
                dv[1] += dy * force
                du = disp[u]
                du[0] -= dx * force
                du[1] -= dy * force
        for u, v in edges:
            pu, pv = pos[u], pos[v]
            dx, dy = pv[0] - pu[0], pv[1] - pu[1]
            dist = math.hypot(dx, dy) or 1e-9
            force = dist / k
            disp[u][0] += dx * force
            disp[u][1] += dy * force
            disp[v][0] -= dx * force
            disp[v][1] -= dy * force
        for v in nodes:
            dx, dy = disp[v]
            length = math.hypot(dx, dy) or 1e-9
            step = min(length, temperature) / length
            pos[v][0] += dx * step
            pos[v][1] += dy * step
        temperature -= cool
    scale = SPACING * math.sqrt(n) / 2
    return {v: (round(p[0] * scale, 1), round(p[1] * scale, 1)) for v, p in pos.items()}


def _sunflower(count: int) -> list[tuple[float, float]]:
    return [
        (
            SPACING * 0.5 * math.sqrt(i) * math.cos(i * GOLDEN_ANGLE),
            SPACING * 0.5 * math.sqrt(i) * math.sin(i * GOLDEN_ANGLE),
        )
        for i in range(count)
    ]


def grouped_layout(graph: nx.Graph, community: dict[Hashable, int]) -> Positions:
    """Return a layout that packs each community as a disc, hubs in its middle."""
    members: dict[int, list[Hashable]] = defaultdict(list)
    for node in graph:
        members[community.get(node, 0)].append(node)
    groups = sorted(members.values(), key=lambda g: (-len(g), str(min(g, key=str))))
    radius = [SPACING * 0.5 * math.sqrt(len(g)) + SPACING for g in groups]
    width = math.sqrt(sum((2 * r) ** 2 for r in radius)) * 1.2
    positions: Positions = {}
    x = y = row_height = 0.0
    for group, r in zip(groups, radius, strict=True):
        if x > 0 and x + 2 * r > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        cx, cy = x + r, y + r
        ordered = sorted(group, key=lambda n: (-graph.degree(n), str(n)))
        for node, (dx, dy) in zip(ordered, _sunflower(len(ordered)), strict=True):
            positions[node] = (round(cx + dx, 1), round(cy + dy, 1))
        x += 2 * r
        row_height = max(row_height, 2 * r)
    return positions


def focus_layout(graph: nx.Graph, centre: Hashable) -> Positions:
    """Return a fresh layout of a neighbourhood: `centre` in the middle, each step out a ring.

    The first ring is spread evenly around the centre; an actor of a further ring sits near
    the angle of the actor it is reached through, so ties stay short and do not cross."""
    if centre not in graph:
        return force_layout(graph)
    steps = nx.single_source_shortest_path_length(graph, centre)
    rings: dict[int, list[Hashable]] = defaultdict(list)
    for node, step in steps.items():
        rings[step].append(node)
    angle: dict[Hashable, float] = {centre: 0.0}
    positions: Positions = {centre: (0.0, 0.0)}
    for step in sorted(rings)[1:]:

        def reached_from(node: Hashable, step: int = step) -> float:
            parents = [angle[p] for p in graph[node] if steps.get(p) == step - 1]
            return min(parents) if parents else 0.0

        ring = sorted(rings[step], key=lambda n: (reached_from(n), str(n)))
        radius = SPACING * 2.5 * step * max(1.0, len(ring) / (8 * step))
        for i, node in enumerate(ring):
            angle[node] = 2 * math.pi * i / len(ring)
            x, y = radius * math.cos(angle[node]), radius * math.sin(angle[node])
            positions[node] = (round(x, 1), round(y, 1))
    others = [n for n in graph if n not in positions]
    if others:  # not reached from the centre: beside the rings
        right = max(x for x, _y in positions.values()) + 2 * SPACING
        for i, node in enumerate(sorted(others, key=str)):
            positions[node] = (right, round(i * SPACING, 1))
    return positions


def compute_layout(graph: nx.Graph, community: dict[Hashable, int] | None = None) -> Positions:
    """Return the map layout: force-directed when small, grouped by community when large."""
    if graph.number_of_nodes() <= FORCE_UP_TO:
        return force_layout(graph)
    if community is None:
        from network.metrics import communities

        community, _method = communities(graph)
    return grouped_layout(graph, community)
