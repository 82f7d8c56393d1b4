"""The max-flow used when the greedy team spread is stuck."""

from __future__ import annotations

from seating.flow import FlowNetwork


def test_max_flow_of_the_textbook_network() -> None:
    # CLRS figure 26.1: maximum flow 23.
    network = FlowNetwork(6)
    edges = [
        (0, 1, 16),
        (0, 2, 13),
        (1, 3, 12),
        (2, 1, 4),
        (2, 4, 14),
        (3, 2, 9),
        (3, 5, 20),
        (4, 3, 7),
        (4, 5, 4),
    ]
    ids = [network.add_edge(u, v, c) for u, v, c in edges]
    assert network.max_flow(0, 5) == 23
    # Conservation at every inner node and capacities respected.
    for node in range(1, 5):
        inflow = sum(network.flow(e) for e, (_, v, _) in zip(ids, edges, strict=True) if v == node)
        outflow = sum(network.flow(e) for e, (u, _, _) in zip(ids, edges, strict=True) if u == node)
        assert inflow == outflow
    assert all(0 <= network.flow(e) <= c for e, (_, _, c) in zip(ids, edges, strict=True))


def test_flow_grows_when_capacity_is_added_and_keeps_what_it_had() -> None:
    network = FlowNetwork(3)
    first = network.add_edge(0, 1, 5)
    network.add_edge(1, 2, 2)
    assert network.max_flow(0, 2) == 2
    network.add_edge(1, 2, 3)
    assert network.max_flow(0, 2) == 3  # only the increase is returned
    assert network.flow(first) == 5
