"""个案专报: one entity's profile, the timeline of every record about it, its related-company cluster as a network
chart, its indicator scores and the evidence behind its warning, from the published marts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb
import networkx as nx
import plotly.graph_objects as go

from pipeline.config import Settings
from reports.render import _chart, _rows, _write, page

LEVEL_ZH = {"red": "红色预警", "yellow": "黄色预警", "green": "绿色关注"}
LEVELS = [
    ("features", "特征点"),
    ("spread", "传播面"),
    ("complaints", "投诉量"),
    ("deception", "欺骗性"),
    ("harm", "危害度"),
]


class CaseNotFound(LookupError):
    """No entity with that USCC or entity id; the message is Chinese."""


def _entity(con: duckdb.DuckDBPyConnection, key: str) -> dict[str, Any]:
    found = _rows(
        con,
        "SELECT e.*, r.province_name FROM entities AS e "
        "LEFT JOIN regions AS r ON substr(e.region_code, 1, 2) || '0000' = r.province_code "
        "WHERE e.entity_id = ? OR upper(e.uscc) = upper(?) ORDER BY e.entity_id = ? DESC LIMIT 1",
        [key, key, key],
    )
    if not found:
        raise CaseNotFound(f"集市中没有统一社会信用代码或主体编号为 {key} 的主体")
    return found[0]


def _timeline(con: duckdb.DuckDBPyConnection, entity_id: str) -> list[dict[str, Any]]:
    """Every record about the entity, newest first: registration, filed sites, complaints, posts."""
    return _rows(
        con,
        """
        SELECT * FROM (
            SELECT established_date AS day, '登记' AS kind, uscc AS record_id,
                   coalesce(entity_type, '') || ' 成立；' || coalesce(status, '') AS detail
            FROM entities WHERE entity_id = ? AND established_date IS NOT NULL
            UNION ALL
            SELECT approved_date, '网站备案', site_license,
                   coalesce(site_name, '') || '（' || coalesce(domain, '') || '，服务器 '
                   || coalesce(server_ip, '-') || '）'
            FROM icp_sites WHERE entity_id = ?
            UNION ALL
            SELECT received_date, '投诉举报', ticket_id,
                   kind || '：' || target_name || coalesce('；涉及形态：' || legal_forms, '')
                   || coalesce('；用语：' || matched_terms, '') || '（关联方式：' || resolution_method || '）'
            FROM complaints WHERE entity_id = ?
            UNION ALL
            SELECT captured_date, '网络监测', hit_id,
                   platform || '：' || coalesce(title, '') || coalesce('；用语：' || matched_terms, '')
            FROM keyword_hits WHERE entity_id = ?
        ) AS t
        ORDER BY day DESC NULLS LAST, kind, record_id
        """,
        [entity_id] * 4,
    )


def _cluster_chart(con: duckdb.DuckDBPyConnection, entity: dict[str, Any]) -> tuple[str | None, list[dict]]:
    """The related-company cluster as a network: members as nodes, shared attributes as edges."""
    if not entity.get("cluster_id") or (entity.get("cluster_size") or 1) < 2:
        return None, []
    members = _rows(
        con,
        "SELECT entity_id, entity_name, region_code FROM entities WHERE cluster_id = ? ORDER BY entity_id",
        [entity["cluster_id"]],
    )
    ids = {m["entity_id"] for m in members}
    edges = _rows(
        con,
        "WITH members AS (SELECT entity_id FROM entities WHERE cluster_id = ?) "
        "SELECT entity_a, entity_b, shared_attribute_zh, strength FROM entity_relations "
        "WHERE entity_a IN (SELECT entity_id FROM members) AND entity_b IN (SELECT entity_id FROM members) "
        "ORDER BY ALL",
        [entity["cluster_id"]],
    )
    graph = nx.Graph()
    graph.add_nodes_from(sorted(ids))
    graph.add_edges_from((e["entity_a"], e["entity_b"]) for e in edges)
    pos = nx.spring_layout(graph, seed=7)
    fig = go.Figure()
    for e in edges:
        (x0, y0), (x1, y1) = pos[e["entity_a"]], pos[e["entity_b"]]
        fig.add_trace(
            go.Scatter(
                x=[x0, x1],
                y=[y0, y1],
                mode="lines",
                line={"width": 2 if e["strength"] == "strong" else 1, "color": "#9aa5b1"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[(x0 + x1) / 2],
                y=[(y0 + y1) / 2],
                mode="text",
                text=[e["shared_attribute_zh"]],
                textfont={"size": 10, "color": "#52606d"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    names = {m["entity_id"]: m["entity_name"] for m in members}
    order = sorted(ids)
    fig.add_trace(
        go.Scatter(
            x=[pos[n][0] for n in order],
            y=[pos[n][1] for n in order],
            mode="markers+text",
            text=[names[n] for n in order],
            textposition="top center",
            textfont={"size": 10},
            marker={
                "size": [18 if n == entity["entity_id"] else 12 for n in order],
                "color": ["#c0392b" if n == entity["entity_id"] else "#3e4c59" for n in order],
            },
            hovertext=[f"{names[n]}（{n}）" for n in order],
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _chart(fig, "case-cluster"), edges


def case_context(con: duckdb.DuckDBPyConnection, key: str) -> dict[str, Any]:
    entity = _entity(con, key)
    eid = entity["entity_id"]
    snapshots = _rows(con, "SELECT * FROM suspect_entities WHERE entity_id = ? ORDER BY as_of_date", [eid])
    latest = snapshots[-1] if snapshots else None
    indicators = (
        _rows(
            con,
            "SELECT indicator_id, indicator_zh, level_zh, measured_value, indicator_score, points, detail, record_ids "
            "FROM entity_indicator_scores WHERE entity_id = ? AND as_of_date = ? ORDER BY indicator_id",
            [eid, latest["as_of_date"]],
        )
        if latest
        else []
    )
    charts = []
    if latest:
        levels = go.Figure(
            go.Bar(
                x=[latest[f"score_{k}"] for k, _ in LEVELS],
                y=[zh for _, zh in LEVELS],
                orientation="h",
                marker_color="#c0392b",
            )
        )
        levels.update_xaxes(range=[0, 100], title_text="得分")
        charts.append(("一级指标得分", _chart(levels, "case-levels")))
        trend = go.Figure(
            go.Scatter(
                x=[s["as_of_date"] for s in snapshots],
                y=[s["risk_score"] for s in snapshots],
                mode="lines+markers",
                line={"color": "#c0392b"},
            )
        )
        trend.update_yaxes(range=[0, 100], title_text="风险指数")
        charts.append(("风险指数走势", _chart(trend, "case-trend")))
    cluster_chart, edges = _cluster_chart(con, entity)
    return {
        "entity": entity,
        "latest": latest,
        "level_zh": LEVEL_ZH.get(latest["warning_level"], "") if latest else "",
        "indicators": indicators,
        "charts": charts,
        "cluster_chart": cluster_chart,
        "edges": edges,
        "timeline": _timeline(con, eid),
    }


def render_case(key: str, settings: Settings) -> Path:
    """Write $REPORTS_DIR/cases/<key>.html for the entity with that USCC or entity id."""
    if not re.fullmatch(r"[0-9A-Za-z]{1,40}", key):
        raise CaseNotFound(f"主体标识 {key!r} 无效：应为统一社会信用代码或主体编号（字母与数字）")
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        context = case_context(con, key)
    html = page(
        "case.html.j2",
        title=f"个案专报 {context['entity']['entity_name']}",
        heading="网络传销个案专报",
        issue=context["entity"]["entity_name"],
        period=f"截至 {context['latest']['as_of_date']}" if context["latest"] else "",
        **context,
    )
    return _write(settings.reports / "cases" / f"{key}.html", html)
