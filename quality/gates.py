"""Run the night's suites through Great Expectations, record the results, hold what must be held.

GX is imported on first use (its import alone takes seconds; a night imports it in a process of its own
while the sources are extracted), its file context lives in the warehouse and its Data Docs are written under
$REPORTS_DIR/quality/ by `build_docs`, after the gates (a night writes them while it publishes).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from extract.load import log_load
from pipeline.config import Settings
from quality.suites import BLOCKING, Suite

log = logging.getLogger(__name__)
SITE = "quality"
DOCS_RESULTS = 120  # Data Docs pages and index: the newest validation results, about five nights' worth
DOCS_NIGHTS = 15  # nights whose results fill the index even at the fewest suites a night (8, the marts gate's)
# validation results of this process not yet in the Data Docs, per warehouse
_undocumented: dict[Path, list[Any]] = {}


@dataclass(frozen=True)
class Outcome:
    """One expectation's result, as recorded in quality_results."""

    delivery_date: date
    suite: str
    expectation: str
    success: bool
    observed: str
    severity: str


def _observed(result: Any) -> str:
    """What the check saw. A row-level check that passed says only that, so that the record depends on
    the night's data alone (not on how many rows other nights let tonight's marts hold)."""
    r = result.result or {}
    if "observed_value" in r:
        return str(r["observed_value"])
    if "unexpected_count" in r:
        if result.success and not r["unexpected_count"]:
            return "全部符合"
        total = r.get("element_count", 0)
        sample = r.get("partial_unexpected_list") or []
        text = f"{r['unexpected_count']}/{total}行不符"
        return text + (f"，例如 {', '.join(map(str, sample[:3]))}" if sample else "")
    return "" if result.success else "检查未能执行"


def import_gx() -> Any:
    """Great Expectations, imported with its usage statistics off (these networks are closed)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    return gx


def _context(settings: Settings) -> Any:
    """The warehouse's GX file context, its Data Docs site configured."""
    context = import_gx().get_context(mode="file", project_root_dir=str(settings.warehouse))
    context.variables.progress_bars = {"globally": False}
    if context.variables.config_variables_file_path:
        # no ${VARIABLES} here: without the file, GX stops re-reading it each time it reads a setting
        context.variables.config_variables_file_path = None
        context.variables.save()
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(settings.reports / "quality"),
        },
        # the index lists the newest results only: it reads every result it lists, so an unbounded index
        # would cost each night more as history grows (about 9 ms a result; a year is 9,000 of them)
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder", "validation_results_limit": DOCS_RESULTS},
    }
    sites = context.variables.data_docs_sites or {}
    if SITE not in sites:
        context.add_data_docs_site(SITE, site)
    elif sites[SITE] != site:
        context.update_data_docs_site(SITE, site)
    return context


def build_docs(settings: Settings) -> None:
    """Write the Data Docs pages of the validations this process ran on the warehouse since the last call
    (the newest DOCS_RESULTS of them, the ones the index lists), and the index."""
    identifiers = _undocumented.pop(settings.warehouse.resolve(), [])
    if identifiers:
        _context(settings).build_data_docs(site_names=[SITE], resource_identifiers=identifiers[-DOCS_RESULTS:])


def run_suites(suites: Iterable[tuple[date, Suite]], settings: Settings, keep: bool = True) -> list[Outcome]:
    """Validate each night's suites with GX (one context for all) and return one outcome per expectation.
    Kept, the results are stored in the warehouse's GX context and their Data Docs pages wait for
    `build_docs`; not kept (a backfill's older nights, validated beside the newer), GX holds them in memory
    only: the file context is the other process's."""
    gx = import_gx()
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    if keep:
        context = _context(settings)
    else:
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = {"globally": False}
    # the data source, its assets and the validation definitions naming them are stored once and kept
    stored_sources = context.data_sources.all()
    source = stored_sources["night"] if "night" in stored_sources else context.data_sources.add_pandas("night")
    stored = {d.name for d in context.validation_definitions.all()}
    outcomes: list[Outcome] = []
    identifiers = _undocumented.setdefault(settings.warehouse.resolve(), []) if keep else []
    for day, suite in suites:
        if not suite.checks:
            continue
        if suite.name not in {a.name for a in source.assets}:
            source.add_dataframe_asset(suite.name).add_batch_definition_whole_dataframe("night")
        # a suite is rewritten each night (its bounds follow the date); its validation definition, which names
        # the suite and the batch, is stored once
        gx_suite = context.suites.add_or_update(
            gx.ExpectationSuite(
                name=suite.name,
                expectations=[
                    getattr(gx.expectations, c.kind)(**c.kwargs, meta={"severity": c.severity, "label": c.label})
                    for c in suite.checks
                ],
            )
        )
        if suite.name in stored:
            definition = context.validation_definitions.get(suite.name)
        else:
            batch_definition = source.get_asset(suite.name).get_batch_definition("night")
            definition = context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=gx_suite)
            )
            stored.add(suite.name)
        validation = definition.run(
            batch_parameters={"dataframe": suite.frame},
            # the counts and a sample of unexpected values; SUMMARY's value counts of that sample (a table in
            # the Data Docs) cost a quarter of a gate's time
            result_format="BASIC",
            run_id=gx.RunIdentifier(run_name=f"{day.isoformat()}-{suite.name}"),
        )
        identifiers.append(
            ValidationResultIdentifier(
                expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite.name),
                run_id=validation.meta["run_id"],
                batch_identifier=validation.batch_id,
            )
        )
        for result in validation.results:
            meta = result.expectation_config.meta
            outcomes.append(
                Outcome(day, suite.name, meta["label"], bool(result.success), _observed(result), meta["severity"])
            )
    return outcomes


def record(con: duckdb.DuckDBPyConnection, day: date, prefixes: tuple[str, ...], outcomes: list[Outcome]) -> None:
    """Replace the night's results of these suites; hold the raw batches whose blocking checks failed."""
    like = " OR ".join("suite LIKE ?" for _ in prefixes)
    con.execute("BEGIN TRANSACTION")
    con.execute(
        f"DELETE FROM raw.quality_results WHERE delivery_date = ? AND ({like})", [day, *(f"{p}.%" for p in prefixes)]
    )
    for o in outcomes:
        con.execute(
            "INSERT INTO raw.quality_results VALUES (?, ?, ?, ?, ?, ?)",
            [o.delivery_date, o.suite, o.expectation, o.success, o.observed, o.severity],
        )
    if "raw" in prefixes:
        before = {
            s for (s,) in con.execute("SELECT source FROM raw.held_batches WHERE delivery_date = ?", [day]).fetchall()
        }
        con.execute("DELETE FROM raw.held_batches WHERE delivery_date = ?", [day])
        held: dict[str, list[str]] = {}
        for o in outcomes:
            if o.severity == BLOCKING and not o.success:
                held.setdefault(o.suite.split(".", 1)[1], []).append(f"{o.expectation}（{o.observed}）")
        for source, reasons in held.items():
            con.execute("INSERT INTO raw.held_batches VALUES (?, ?, ?)", [source, day, "；".join(reasons)])
        if set(held) != before:  # what the build takes of the date changed: logged as a load is, for staging
            log_load(con, day)
    con.execute("COMMIT")


def record_nights(days: Sequence[date], prefixes: tuple[str, ...], outcomes: list[Outcome], settings: Settings) -> None:
    """Record each night's outcomes of these suites (and, for the raw gate, what they hold)."""
    by_day: dict[date, list[Outcome]] = {day: [] for day in days}
    for o in outcomes:
        by_day[o.delivery_date].append(o)
    with duckdb.connect(str(settings.build_db)) as con:
        for day, night in by_day.items():
            record(con, day, prefixes, night)


RAW_SUITES = ("delivery", "raw", "codes")
MART_SUITES = ("marts", "personal")


def validate(
    suites: Callable[[duckdb.DuckDBPyConnection, date], list[Suite]],
    days: Sequence[date],
    settings: Settings,
    keep: bool = True,
) -> list[Outcome]:
    """Run these nights' suites (raw_suites or mart_suites), reading the warehouse only: the processes of a
    backfill validate its nights side by side, and one records them (`record_nights`)."""
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        # one night's frames at a time: a year's backfill is gated in one run
        return run_suites(((day, suite) for day in days for suite in suites(con, day)), settings, keep)
