"""What the gates expect: one suite per raw batch and per mart, each expectation blocking or warning.

Suites are built each night from the night's data (pandas frames read from DuckDB) and the metadata of
the sources, so a new source module brings its required columns and accepted values with it.
"""

from __future__ import annotations

import statistics
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb
import pandas as pd

from extract.sources import SOURCES
from extract.spec import Kind

BLOCKING, WARNING = "blocking", "warning"
HISTORY_NIGHTS = 28
MIN_HISTORY = 7  # nights of history before the volume check applies
FOUNDED = date(1949, 10, 1)
# Personal values in published text, as RE2 patterns for DuckDB (no look-around: the edges are matched instead)
MOBILE = r"(^|[^0-9])1[3-9][0-9]{9}([^0-9]|$)"
ID_NUMBER = (
    r"(^|[^0-9A-Za-z])[1-9][0-9]{5}(19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]"
    r"([^0-9A-Za-z]|$)"
)
PERSONAL = {"mobile": ("手机号码", MOBILE), "id": ("身份证号码", ID_NUMBER)}
# codes the warehouse or upstream issue: their digit runs are not phone or ID numbers
IDENTIFIERS = {"uscc", "entity_id", "lead_id", "ticket_id", "hit_id", "site_license", "cluster_id"}
LINKS = {"url", "url_host", "domain", "home_url"}  # product and post ids in links look like phone numbers


@dataclass(frozen=True)
class Check:
    """One expectation: its GX class name and arguments, severity and a Chinese label."""

    kind: str
    label: str
    severity: str
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class Suite:
    """A named suite and the frame it validates tonight."""

    name: str
    frame: pd.DataFrame
    checks: list[Check] = field(default_factory=list)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> pd.DataFrame:
    frame = con.execute(sql, params).df()
    # GX compares datetime64[ns] columns vectorised, other units a value at a time (seconds a national
    # batch): nanoseconds where every value fits them (years 1678 to 2261)
    for column in frame.select_dtypes("datetime64").columns:
        with suppress(pd.errors.OutOfBoundsDatetime):
            frame[column] = frame[column].astype("datetime64[ns]")
    return frame


def _volume_bounds(con: duckdb.DuckDBPyConnection, source: str, day: date) -> tuple[float, float, float] | None:
    """Half and three times the median of the last 28 nights' delivered rows, with the median."""
    rows = con.execute(
        "SELECT delivery_date, sum(rows_delivered) FROM raw.load_audit WHERE source = ? "
        "AND delivery_date BETWEEN ? AND ? GROUP BY delivery_date",
        [source, day - timedelta(days=HISTORY_NIGHTS), day - timedelta(days=1)],
    ).fetchall()
    if len(rows) < MIN_HISTORY:
        return None
    median = statistics.median(n for _, n in rows)
    return median * 0.5, median * 3, median


def raw_suites(con: duckdb.DuckDBPyConnection, day: date) -> list[Suite]:
    """Suites over the night's raw batches, their deliveries and their codes."""
    suites: list[Suite] = []
    for source in SOURCES.values():
        name = source.name
        audit = _frame(con, "SELECT * FROM raw.load_audit WHERE source = ? AND delivery_date = ?", [name, day])
        delivery = Suite(f"delivery.{name}", audit)
        delivery.checks.append(
            Check(
                "ExpectColumnValuesToNotBeInSet",
                "整文件拒收（缺少必填列、格式或编码错误）",
                WARNING,
                {"column": "status", "value_set": ["rejected"]},
            )
        )
        if source.daily:
            delivery.checks.append(
                Check(
                    "ExpectColumnValuesToNotBeInSet",
                    "当日未交付",
                    WARNING,
                    {"column": "status", "value_set": ["missing"]},
                )
            )
        suites.append(delivery)

        suite = Suite(f"raw.{name}", pd.DataFrame())
        seen_before: list[str] = []
        for column in source.required:
            suite.checks.append(
                Check(
                    "ExpectColumnValuesToNotBeNull", f"必填列{column.header_zh}非空", BLOCKING, {"column": column.name}
                )
            )
        for column in source.columns:
            if column.accepted:
                suite.checks.append(
                    Check(
                        "ExpectColumnValuesToBeInSet",
                        f"{column.header_zh}取值在规定范围内",
                        WARNING,
                        {"column": column.name, "value_set": list(column.accepted)},
                    )
                )
            if column.kind in (Kind.DATE, Kind.DATETIME):
                upper = pd.Timestamp(day + timedelta(days=1))
                lower = pd.Timestamp(FOUNDED if column.name == "established_date" else date(1990, 1, 1))
                suite.checks.append(
                    Check(
                        "ExpectColumnValuesToBeBetween",
                        f"{column.header_zh}不晚于交付日、不早于{lower.date()}",
                        WARNING,
                        {"column": column.name, "min_value": lower, "max_value": upper},
                    )
                )
            if column.kind == Kind.ICP:
                suite.checks.append(
                    Check(
                        "ExpectColumnValuesToMatchRegex",
                        f"{column.header_zh}符合备案号格式",
                        WARNING,
                        {"column": column.name, "regex": r"ICP(?:备|证)\d+号"},
                    )
                )
        if name in ("complaints", "keyword_hits"):
            key = source.key[0]
            suite.checks.append(
                Check(
                    "ExpectColumnValuesToBeUnique",
                    f"{source.column(key).header_zh}在本批次内唯一",
                    BLOCKING,
                    {"column": key},
                )
            )
            seen_before = [
                f"coalesce({key} IN (SELECT {key} FROM raw.{name} WHERE _delivery_date < $1), false) AS _seen_before"
            ]
            suite.checks.append(
                Check(
                    "ExpectColumnValuesToBeInSet",
                    f"{source.column(key).header_zh}未在此前各夜交付过（重复交付只计一次）",
                    WARNING,
                    {"column": "_seen_before", "value_set": [False]},
                )
            )
        if source.daily:
            suite.checks.append(
                Check("ExpectTableRowCountToBeBetween", "当日装载行数大于零", WARNING, {"min_value": 1})
            )
            bounds = _volume_bounds(con, name, day)
            if bounds is not None:
                low, high, median = bounds
                suite.checks.append(
                    Check(
                        "ExpectTableRowCountToBeBetween",
                        f"装载量在近{HISTORY_NIGHTS}夜中位数（{median:g}行）的一半至三倍之间",
                        WARNING,
                        {"min_value": int(low), "max_value": int(high)},
                    )
                )
        # only the columns the checks read: a national batch's free text would cost seconds and gigabytes
        columns = sorted({c.kwargs["column"] for c in suite.checks if "column" in c.kwargs} - {"_seen_before"})
        select = ", ".join([*columns, *seen_before] or ["true AS _row"])
        suite.frame = _frame(con, f"SELECT {select} FROM raw.{name} WHERE _delivery_date = $1", [day])
        suites.append(suite)

        codes = [c.name for c in source.columns if c.kind == Kind.USCC]
        if codes:
            suites.append(_code_suite(con, name, codes[0], source.column(codes[0]).header_zh, day))
    return suites


def _code_suite(con: duckdb.DuckDBPyConnection, source: str, column: str, header: str, day: date) -> Suite:
    """Share of delivered USCCs whose check characters hold, loaded and quarantined rows alike."""
    frame = _frame(
        con,
        f"""SELECT NOT coalesce(_row_notes LIKE '%{header}%校验%' OR _row_notes LIKE '%{header}%格式%', false)
                   AS uscc_valid
            FROM raw.{source} WHERE _delivery_date = ? AND ({column} IS NOT NULL OR _row_notes LIKE '%{header}%')
            UNION ALL
            SELECT false FROM raw.quarantine WHERE source = ? AND delivery_date = ?
              AND reason LIKE '%{header}({column})：统一社会信用代码%'""",
        [day, source, day],
    )
    return Suite(
        f"codes.{source}",
        frame,
        [
            Check(
                "ExpectColumnValuesToBeInSet",
                f"{header}校验位通过率不低于50%",
                BLOCKING,
                {"column": "uscc_valid", "value_set": [True], "mostly": 0.5},
            ),
            Check(
                "ExpectColumnValuesToBeInSet",
                f"{header}校验位通过率不低于95%",
                WARNING,
                {"column": "uscc_valid", "value_set": [True], "mostly": 0.95},
            ),
        ],
    )


def mart_suites(con: duckdb.DuckDBPyConnection, day: date) -> list[Suite]:
    """Suites over the marts as built tonight (the night's slice of the growing ones)."""
    scores = ["risk_score", "score_features", "score_spread", "score_complaints", "score_deception", "score_harm"]
    # only the columns the checks read: the evidence text would cost GX seconds a national night to hash
    suspects = _frame(
        con,
        f"SELECT as_of_date, entity_id, warning_level, {', '.join(scores)}, "
        "NOT coalesce(warning_level = 'red' AND evidence IS NULL, false) AS red_has_evidence "
        "FROM marts.suspect_entities WHERE as_of_date = ?",
        [day],
    )
    suites = [
        Suite(
            "marts.suspect_entities",
            suspects,
            [
                Check(
                    "ExpectCompoundColumnsToBeUnique",
                    "截至日期与主体编号唯一",
                    BLOCKING,
                    {"column_list": ["as_of_date", "entity_id"]},
                ),
                Check(
                    "ExpectColumnValuesToBeInSet",
                    "预警等级为红、黄、绿之一",
                    BLOCKING,
                    {"column": "warning_level", "value_set": ["red", "yellow", "green"]},
                ),
                Check(
                    "ExpectColumnValuesToBeInSet",
                    "红色预警均附证据",
                    BLOCKING,
                    {"column": "red_has_evidence", "value_set": [True]},
                ),
                *(
                    Check(
                        "ExpectColumnValuesToBeBetween",
                        f"{c}在0至100之间",
                        BLOCKING,
                        {"column": c, "min_value": 0, "max_value": 100},
                    )
                    for c in scores
                ),
            ],
        ),
        Suite(
            "marts.keys",
            _frame(
                con,
                "SELECT (SELECT count(*) - count(DISTINCT ticket_id) FROM marts.complaints) AS complaints, "
                "(SELECT count(*) - count(DISTINCT entity_id) FROM marts.entities) AS entities, "
                "(SELECT count(*) - count(DISTINCT lead_id) FROM marts.leads) AS leads",
                [],
            ),
            [
                Check("ExpectColumnValuesToBeInSet", f"{t}主键无重复", BLOCKING, {"column": t, "value_set": [0]})
                for t in ("complaints", "entities", "leads")
            ],
        ),
    ]
    tonight = {
        "complaints": "delivery_date = ?",
        "keyword_hits": "delivery_date = ?",
        "suspect_entities": "as_of_date = ?",
        "leads": "issued_date = ?",
        "entities": "first_seen_date = ?",
        "icp_sites": "delivery_date = ?",
    }
    for table, where in tonight.items():
        text = [
            c
            for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'marts' AND table_name = ? "
                "AND data_type = 'VARCHAR' ORDER BY column_index",
                [table],
            ).fetchall()
            if c not in LINKS and c not in IDENTIFIERS
        ]
        # DuckDB finds the values (vectorised, over the night's slice of the mart) and names, per row and kind,
        # the columns holding one; GX gates one such column per kind, so a failure names columns, never a value
        if not text:
            continue
        select = ", ".join(
            "nullif(concat_ws('、', "
            + ", ".join(f"CASE WHEN regexp_matches(\"{c}\", '{regex}') THEN '{c}' END" for c in text)
            + f"), '') AS {kind}"
            for kind, (_, regex) in PERSONAL.items()
        )
        frame = _frame(con, f"SELECT {select} FROM marts.{table} WHERE {where}", [day])
        checks = [
            Check("ExpectColumnValuesToBeNull", f"文本列不含{label}", BLOCKING, {"column": kind})
            for kind, (label, _) in PERSONAL.items()
        ]
        suites.append(Suite(f"personal.{table}", frame, checks))
    return suites
