"""Measure the warehouse against the sample generator's ground truth (never read by the pipeline).

Entity resolution: over complaints and posts whose truth names one company registered in the warehouse
(recall), and over every record the warehouse resolved to a company (precision: wrong when the truth names
another company, or names a scheme the resolved company is not part of). Scheme detection: a planted
scheme counts as found when one of its shells, or another entity most of whose records are the scheme's,
is red or yellow by the 14th night after the scheme started; precision over red and yellow entities that
the truth can place: registered in the range, or with a majority of their records from one scheme or
from ordinary companies (the rest are counted apart).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from pipeline.config import Settings

DETECTION_NIGHTS = 14


def _truth(con: duckdb.DuckDBPyConnection, truth: Path) -> None:
    for name in ("entities", "complaints", "keyword_hits", "schemes"):
        files = sorted((truth / name).glob("*.csv"))
        con.execute(
            f"CREATE TEMP TABLE truth_{name} AS SELECT * FROM read_csv(?, all_varchar = true, header = true)",
            [[str(f) for f in files]],
        )


def resolution(con: duckdb.DuckDBPyConnection, table: str, key: str, truth: str) -> dict[str, float]:
    row = con.execute(f"""
        WITH j AS (
            SELECT r.uscc, t.true_uscc, t.scheme_id, e.scheme_id AS resolved_scheme,
                   e.uscc IS NOT NULL AS resolved_known,
                   t.true_uscc IN (SELECT entity_id FROM entities WHERE entity_kind = 'registered') AS resolvable
            FROM {table} AS r JOIN truth_{truth} AS t ON r.{key} = t.{key}
            LEFT JOIN truth_entities AS e ON e.uscc = r.uscc)
        SELECT count(*) FILTER (WHERE resolvable),
               count(*) FILTER (WHERE resolvable AND uscc = true_uscc),
               count(*) FILTER (WHERE uscc IS NOT NULL),
               count(*) FILTER (WHERE uscc IS NOT NULL AND (
                   (nullif(true_uscc, '') IS NOT NULL AND uscc <> true_uscc)
                   OR (nullif(true_uscc, '') IS NULL AND (nullif(scheme_id, '') IS NULL
                       OR (resolved_known AND coalesce(resolved_scheme, '') <> scheme_id)))))
        FROM j""").fetchone()
    resolvable, correct, resolved, wrong = row
    return {
        "resolvable": resolvable,
        "correct": correct,
        "resolved": resolved,
        "wrong": wrong,
        "recall": round(correct / resolvable, 4) if resolvable else 0.0,
        "precision": round(1 - wrong / resolved, 4) if resolved else 0.0,
    }


def detection(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    row = con.execute(f"""
        WITH nights AS (SELECT min(as_of_date) AS first_night, max(as_of_date) AS last_night FROM suspect_entities),
        records AS (
            SELECT c.entity_id, coalesce(t.scheme_id, '') AS scheme_id
            FROM complaints AS c JOIN truth_complaints AS t USING (ticket_id) WHERE c.entity_id IS NOT NULL
            UNION ALL
            SELECT h.entity_id, coalesce(t.scheme_id, '')
            FROM keyword_hits AS h JOIN truth_keyword_hits AS t USING (hit_id) WHERE h.entity_id IS NOT NULL),
        by_records AS (
            SELECT entity_id, scheme_id FROM (
                SELECT entity_id, scheme_id, count(*) AS n,
                       row_number() OVER (PARTITION BY entity_id ORDER BY count(*) DESC, scheme_id) AS rn,
                       sum(count(*)) OVER (PARTITION BY entity_id) AS total
                FROM records WHERE entity_id NOT IN (SELECT uscc FROM truth_entities)
                GROUP BY entity_id, scheme_id) AS x
            WHERE rn = 1 AND n * 2 > total),
        placed AS (
            SELECT s.entity_id, nullif(e.scheme_id, '') AS scheme_id
            FROM (SELECT DISTINCT entity_id FROM suspect_entities) AS s
            JOIN truth_entities AS e ON e.uscc = s.entity_id
            UNION ALL
            SELECT entity_id, nullif(scheme_id, '') FROM by_records),
        flags AS (
            SELECT p.entity_id, p.scheme_id, min(s.as_of_date) AS flagged
            FROM suspect_entities AS s JOIN placed AS p USING (entity_id)
            WHERE s.warning_level IN ('red', 'yellow') GROUP BY p.entity_id, p.scheme_id),
        schemes AS (
            SELECT s.scheme_id, min(cast(s.first_date AS DATE)) AS started
            FROM (SELECT scheme_id, first_date FROM truth_entities WHERE nullif(scheme_id, '') IS NOT NULL) AS s
            GROUP BY s.scheme_id),
        due AS (
            SELECT sc.* FROM schemes AS sc, nights AS n
            WHERE sc.started >= n.first_night AND sc.started + INTERVAL {DETECTION_NIGHTS} DAY <= n.last_night)
        SELECT
            (SELECT count(*) FROM due),
            (SELECT count(*) FROM due AS d WHERE EXISTS (
                SELECT 1 FROM flags AS f WHERE f.scheme_id = d.scheme_id
                AND f.flagged <= d.started + INTERVAL {DETECTION_NIGHTS} DAY)),
            (SELECT count(*) FROM flags),
            (SELECT count(*) FROM flags WHERE scheme_id IS NOT NULL),
            (SELECT count(DISTINCT entity_id) FROM suspect_entities WHERE warning_level IN ('red', 'yellow')
             AND entity_id NOT IN (SELECT entity_id FROM placed))""").fetchone()
    due, found, flagged, right, unplaced = row
    return {
        "schemes_due": due,
        "schemes_found": found,
        "flagged": flagged,
        "flagged_schemes": right,
        "flagged_not_placed": unplaced,
        "recall": round(found / due, 4) if due else 0.0,
        "precision": round(right / flagged, 4) if flagged else 0.0,
    }


def evaluate(settings: Settings) -> dict[str, dict[str, float]]:
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        _truth(con, settings.landing / "_ground_truth")
        return {
            "complaints": resolution(con, "complaints", "ticket_id", "complaints"),
            "keyword_hits": resolution(con, "keyword_hits", "hit_id", "keyword_hits"),
            "schemes": detection(con),
        }


if __name__ == "__main__":
    print(json.dumps(evaluate(Settings.from_env()), ensure_ascii=False, indent=2))
