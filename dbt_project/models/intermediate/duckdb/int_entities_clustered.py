"""Related-company clusters: connected components of the strong relations (SQL is the wrong tool here)."""

import networkx as nx
import pandas as pd


def model(dbt, session):
    dbt.config(materialized="table")
    nodes = dbt.ref("stg_registrations__companies").project("uscc").df()["uscc"]
    relations = dbt.ref("int_entity_relations_joined")
    edges = relations.filter("strength = 'strong'").project("entity_a, entity_b").df()
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges.itertuples(index=False, name=None))
    rows = []
    for component in nx.connected_components(graph):
        cluster_id = "C" + min(component)
        rows += [(entity_id, cluster_id, len(component)) for entity_id in component]
    frame = pd.DataFrame(rows, columns=["entity_id", "cluster_id", "cluster_size"])
    return frame.astype({"entity_id": "string", "cluster_id": "string", "cluster_size": "int64"}).sort_values(
        "entity_id"
    )
