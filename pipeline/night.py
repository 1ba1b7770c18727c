"""The nightly pipeline, step by step; `make run` and the Airflow DAG call these same functions.

pull or wait (per source) → extract (per source) → load raw → raw gate → dbt build → marts gate → publish → bulletins.
A failed blocking expectation holds the night's marts back: the last good ones stay published, with
tonight's load_audit and quality_results beside them, and a held raw batch stays out of every later build
until its date is delivered again and re-run.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
import threading
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import chdir, contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from extract import upstream
from extract.batch import delivery_files, parse_delivery
from extract.load import load_date, stage_dir, write_lake, write_stage
from extract.sources import SOURCES
from extract.upstream import config as upstream_config
from pipeline import failpoints
from pipeline.children import end_with_parent
from pipeline.config import ROOT, Settings
from pipeline.lock import writer_lock
from pipeline.publication import ALWAYS_PUBLISHED, publish

log = logging.getLogger(__name__)
DBT_DIR = ROOT / "dbt_project"


class NightFailed(RuntimeError):
    """A step of the night failed; the message is Chinese and names the step."""


def _pull_note(source: str, day: date, settings: Settings) -> Path:
    """Where a failed pull leaves its reason for the night's audit."""
    return stage_dir(settings.warehouse, day) / f"{source}.pull_failed.txt"


def pull_source(source: str, day: date, settings: Settings, pull: bool = True) -> str:
    """Pull a database or HTTP source's window for the date into the landing zone (not when replaying the
    landing zone, pull=False). A failed pull is noted for the night's audit and raised: the other sources go on,
    and the landing zone keeps what an earlier pull of the date landed."""
    settings.prepare()
    note = _pull_note(source, day, settings)
    note.unlink(missing_ok=True)
    config = upstream_config.load()[source]
    if isinstance(config, upstream_config.Drop):
        return f"{upstream.label(source)}为文件投递，不拉取"
    if not pull:
        return f"{upstream.label(source)}：重放着陆区已有文件，不拉取"
    try:
        rows = upstream.pull(config, day, settings.landing)
    except upstream.PullFailed as exc:
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text(str(exc), encoding="utf-8")
        raise
    return f"{upstream.label(source)}：已拉取{rows}行（{upstream.window(day)[0]:%Y-%m-%d %H:%M} 起24小时）"


def delivery_due(source: str, day: date, settings: Settings, now: datetime) -> bool:
    """Whether the night should stop waiting for a dropped delivery: it has arrived, or its deadline passed."""
    config = upstream_config.load()[source]
    if not isinstance(config, upstream_config.Drop) or (until := upstream.deadline(config, day)) is None:
        return True
    return upstream.arrived(source, day, settings.landing) or now >= until


def extract_source(source: str, day: date, settings: Settings) -> list[dict]:
    """Read and check one source's delivery for a date; stage it for loading. Returns its audit rows."""
    settings.prepare()
    batch = parse_delivery(SOURCES[source], settings.landing, day, settings.hash_key())
    note = _pull_note(source, day, settings)
    if note.exists():
        failure = note.read_text(encoding="utf-8")
        for row in batch.audit:
            if row["status"] == "missing":
                row["error"] = f"拉取失败：{failure}"
            elif (row["file_name"] or "").startswith("pulled_"):
                row["error"] = "；".join(filter(None, [row["error"], f"本次拉取失败，沿用此前拉取的文件：{failure}"]))
    write_stage(batch, settings.warehouse)
    failpoints.reach("extract")
    return batch.audit


def load_raw(day: date, settings: Settings) -> dict[str, int]:
    """Replace the date's partition of every raw table with what was staged, in one transaction, then the
    date's partitions of the lake (a re-run rewrites both)."""
    with writer_lock(settings.warehouse), duckdb.connect(str(settings.build_db)) as con:
        counts = load_date(con, settings.warehouse, day)
        write_lake(con, settings.warehouse, day)
        return counts


@dataclass(frozen=True)
class GateWorkers:
    """The processes the gates of a night or a backfill run in: `keeper` keeps its results in the warehouse's
    GX context and writes the Data Docs; a backfill's `helper` validates its older nights beside it."""

    keeper: ProcessPoolExecutor
    helper: ProcessPoolExecutor | None = None


@contextmanager
def gate_workers(helper: bool = False) -> Iterator[GateWorkers]:
    """Processes of their own for Great Expectations, started with a night or a backfill: they import GX
    (seconds of one core) while the sources are extracted and loaded, run the gates (a backfill's nights split
    between two: GX runs on one core), and write their Data Docs while the night publishes. They work under
    the night's writer lock: the night waits for each gate, and a failed night for the ones running."""
    # forked from a fresh server process (not from this one, which may hold threads and open databases), and
    # so ended at once when done: a spawned process would spend a second tearing down what GX made
    context = multiprocessing.get_context("forkserver")
    started = [ProcessPoolExecutor(1, mp_context=context, initializer=_start_gate_worker) for _ in range(1 + helper)]
    try:
        for worker in started:
            worker.submit(_import_gx)  # a failure here is raised again by the first gate's own import
        yield GateWorkers(*started)
    except BaseException:
        for worker in started:  # a failed night lets go of its lock after the gates end
            worker.shutdown(wait=True, cancel_futures=True)
        raise
    for worker in started:
        worker.shutdown(wait=False)  # they end while the night goes on


def _start_gate_worker() -> None:
    """The gate worker's start. It ends the moment the night's process does (`end_with_parent`). And it has no
    PySpark: GX imports it wherever it is installed (it is, for ENGINE=spark), half a second the gates, which
    validate pandas frames, never use; and in a process whose main module has no file (a test runner's),
    PySpark's Connect client takes itself for a doctest run and exits the process."""
    end_with_parent()
    sys.modules["pyspark"] = None  # type: ignore[assignment]  # `import pyspark` raises ImportError


def _import_gx() -> None:
    from quality.gates import import_gx

    import_gx()


def _in_worker(function: Callable[..., Any], *args: Any) -> Any:
    """Run a gate function in the worker; an exception that cannot be sent back (some of GX's need arguments
    to be rebuilt) comes back as a RuntimeError with its traceback, not as a broken pool."""
    try:
        return function(*args)
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:
            raise RuntimeError("".join(traceback.format_exception(exc))) from None
        raise


def _gate(
    suites: Callable[..., Any],
    prefixes: tuple[str, ...],
    days: Sequence[date],
    settings: Settings,
    workers: GateWorkers | None,
) -> list[Any]:
    """Validate these nights with a gate's suites and record the outcomes, under the writer lock: in the gate
    workers when given (a backfill's older nights in the helper, their results not kept; the Data Docs wait
    for `document`), else here with its Data Docs."""
    from quality.gates import DOCS_NIGHTS, build_docs, record_nights, validate

    with writer_lock(settings.warehouse):
        if workers is None:
            outcomes = validate(suites, days, settings)
            record_nights(days, prefixes, outcomes, settings)
            build_docs(settings)
            return outcomes
        # the helper takes the older half, but never the newest DOCS_NIGHTS: the Data Docs index lists only
        # the keeper's results, and must list this run's, not those an earlier run kept of the same nights
        ordered = sorted(days)
        older = ordered[: min(len(days) // 2, len(days) - DOCS_NIGHTS)] if workers.helper is not None else []
        running = []
        if older:
            running.append(workers.helper.submit(_in_worker, validate, suites, older, settings, False))
        running.append(workers.keeper.submit(_in_worker, validate, suites, ordered[len(older) :], settings))
        wait(running)  # both, even when one failed: a failed night lets go of its lock when they have ended
        failed = [done.exception() for done in running if done.exception() is not None]
        for exc in failed[1:]:
            log.error("另一质量检查进程也失败：%s", exc)
        outcomes = [o for done in running for o in done.result()]
        record_nights(days, prefixes, outcomes, settings)
        return outcomes


def gate_raw(days: Sequence[date], settings: Settings, workers: GateWorkers | None = None) -> None:
    """Great Expectations on these nights' raw batches, in one GX run; blocking failures hold a batch."""
    from quality.gates import RAW_SUITES
    from quality.suites import raw_suites

    _gate(raw_suites, RAW_SUITES, days, settings, workers)


def check_marts(days: Sequence[date], settings: Settings, workers: GateWorkers | None = None) -> list[str]:
    """Great Expectations on the marts as built, for each night's slice; returns the blocking failures."""
    from quality.gates import MART_SUITES
    from quality.suites import mart_suites

    outcomes = _gate(mart_suites, MART_SUITES, days, settings, workers)
    return [
        f"{o.suite}：{o.expectation}（{o.observed}）" for o in outcomes if o.severity == "blocking" and not o.success
    ]


def gate_marts(day: date, settings: Settings, workers: GateWorkers | None = None) -> list[str]:
    """The gate after dbt, unless the raw gate held the night (then no marts were built)."""
    return [] if held_reasons(day, settings) else check_marts([day], settings, workers)


def document(settings: Settings, workers: GateWorkers) -> Future[None]:
    """Write the Data Docs of the gates the keeper ran, in it, while the caller goes on."""
    from quality.gates import build_docs

    return workers.keeper.submit(_in_worker, build_docs, settings)


def wait_for_docs(documented: Future[None]) -> None:
    """The Data Docs are the engineers' view of the gates, not the night's data: their failure is logged."""
    try:
        documented.result()
    except Exception:
        log.exception("质量报告（Data Docs）生成失败；检查结果已记入 quality_results")


def held_reasons(day: date, settings: Settings) -> list[str]:
    """Why the night's marts are held: its failed blocking expectations, in Chinese."""
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        rows = con.execute(
            "SELECT suite, expectation, observed FROM raw.quality_results WHERE delivery_date = ? "
            "AND severity = 'blocking' AND NOT success ORDER BY suite, expectation",
            [day],
        ).fetchall()
    return [f"{suite}：{expectation}（{observed}）" for suite, expectation, observed in rows]


def dbt_target(settings: Settings) -> Path:
    """Where dbt writes its artifacts for the warehouse's engine (each engine parses the project its own way)."""
    return settings.warehouse / ("dbt_target" if settings.engine == "duckdb" else f"dbt_target_{settings.engine}")


def _parse_seed(settings: Settings) -> Path:
    """The newest parse of the project for an engine, shared by every warehouse on the machine: a new
    warehouse starts from it, and dbt re-parses only the files that changed since (its partial parsing).
    Keyed by where the project lives: dbt's parse holds absolute paths (seeds are loaded by them), so a
    copied or moved checkout must not start from the old location's parse."""
    where = hashlib.sha256(str(DBT_DIR).encode()).hexdigest()[:12]
    return DBT_DIR / "target" / f"partial_parse.{settings.engine}.{where}.msgpack"


def _refresh_seed(parsed: Path, seed: Path) -> None:
    """Replace the seed with a warehouse's newer parse, atomically (warehouses beside this one may be reading
    it); only a head start for the next new warehouse, so a failure (a read-only project) is ignored."""
    with suppress(OSError):
        seed.parent.mkdir(parents=True, exist_ok=True)
        fd, staged = tempfile.mkstemp(dir=seed.parent, prefix=f".{seed.name}.")
        os.close(fd)
        try:
            shutil.copyfile(parsed, staged)
            os.replace(staged, seed)
        finally:
            Path(staged).unlink(missing_ok=True)


def dbt(args: Sequence[str], settings: Settings) -> None:
    """Run dbt in this process against the warehouse's build database, or on Spark over its lake."""
    from dbt.cli.main import dbtRunner

    # relative to the warehouse, where dbt runs: dbt hashes the profile's values into its parse, so an
    # absolute path would make every warehouse parse the project anew
    os.environ["DBT_DUCKDB_PATH"] = settings.build_db.name
    os.environ["DBT_SPARK_DIR"] = str(settings.spark_dir.resolve())
    os.environ["LAKE_DIR"] = str(settings.lake.resolve())
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    # dbt.log without every statement (a second a night); DBT_LOG_LEVEL_FILE=debug brings them back
    os.environ.setdefault("DBT_LOG_LEVEL_FILE", "info")
    home, target = settings.warehouse.resolve(), dbt_target(settings).resolve()
    parsed, seed = target / "partial_parse.msgpack", _parse_seed(settings)
    parsed_at = target / "parsed_project_dir.txt"  # where the project was when this warehouse's parse was made
    if parsed_at.exists() and parsed_at.read_text(encoding="utf-8") != str(DBT_DIR):
        parsed.unlink(missing_ok=True)
    if not parsed.exists() and seed.exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(seed, parsed)
    failpoints.reach("dbt")
    with chdir(home):
        result = dbtRunner().invoke(
            [
                *args,
                "--project-dir",
                str(DBT_DIR),
                "--profiles-dir",
                str(DBT_DIR),
                "--target",
                settings.engine,
                "--target-path",
                str(target),
                "--log-path",
                str(home / "dbt_logs"),
                "--quiet",
            ]
        )
    if parsed.exists():
        parsed_at.write_text(str(DBT_DIR), encoding="utf-8")
    if result.success and parsed.exists() and (not seed.exists() or parsed.stat().st_mtime > seed.stat().st_mtime):
        _refresh_seed(parsed, seed)
    if settings.engine == "duckdb":
        _release_duckdb()
    if not result.success:
        detail = result.exception or "; ".join(
            f"{r.node.name}: {r.message}" for r in (result.result or []) if r.status in ("error", "fail")
        )
        raise NightFailed(f"dbt {args[0]} 失败：{detail}")


SEEDS_DIR = DBT_DIR / "seeds"


def _seeds_digest() -> str:
    """What the seed tables are made from: the seed files and the project file (their column types)."""
    digest = hashlib.sha256()
    for path in sorted([*SEEDS_DIR.glob("*.*"), DBT_DIR / "dbt_project.yml"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _seed_names() -> set[str]:
    return {p.stem for p in SEEDS_DIR.glob("*.csv")}


def _seeds_stamp(settings: Settings) -> Path:
    """The digest of the seed files a build last loaded every seed from."""
    return dbt_target(settings) / "seeds.sha256"


def _seeds_loaded(settings: Settings, digest: str) -> bool:
    """Whether the warehouse's seed tables are those of these seed files (loaded by an earlier build)."""
    stamp = _seeds_stamp(settings)
    if not stamp.exists() or stamp.read_text(encoding="utf-8") != digest or not settings.build_db.exists():
        return False
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        query = "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'seeds'"
        return _seed_names() <= {t for (t,) in con.execute(query).fetchall()}


def _stamp_seeds(settings: Settings, digest: str) -> None:
    """Note the seed files' digest once a build has loaded every seed."""
    results = json.loads((dbt_target(settings) / "run_results.json").read_text(encoding="utf-8"))["results"]
    loaded = {r["unique_id"].rsplit(".", 1)[1] for r in results if r["unique_id"].startswith("seed.")}
    if loaded >= _seed_names():
        _seeds_stamp(settings).write_text(digest, encoding="utf-8")


def dbt_build(args: Sequence[str], settings: Settings) -> None:
    """`dbt build` on the warehouse's engine. A whole build loads and tests the seeds only when their files
    changed since a build last loaded every one of them (a fifth of the build's nodes, a second of a night
    without deliveries); the seeds' tests against models still run. On Spark: the lake's control tables first, and
    afterwards the marts Spark built taken into the build database, so that the gates, publication and
    bulletins read them as they read DuckDB's."""
    if settings.engine == "duckdb":
        digest = _seeds_digest()
        if "--select" not in args and _seeds_loaded(settings, digest):
            args = [*args, "--exclude", "resource_type:seed", "--indirect-selection", "cautious"]
        else:  # this build may load them: until it has loaded every one, the stamp says nothing
            _seeds_stamp(settings).unlink(missing_ok=True)
        running = settings.warehouse / ".dbt_build_running"
        if running.exists():  # the last build was killed or failed: what it rewrote before it ended is unknown
            with duckdb.connect(str(settings.build_db)) as con:
                con.execute("DROP TABLE IF EXISTS intermediate.entity_inputs_state")  # so recompute everything
        running.touch()
        dbt(["build", *args], settings)
        running.unlink()
        _stamp_seeds(settings, digest)
        return
    from pipeline import spark

    spark.snapshot_control(settings)
    try:
        dbt(["build", *args], settings)
        spark.import_marts(settings, dbt_target(settings))
    finally:
        spark.stop()


def _release_duckdb() -> None:
    """dbt-duckdb keeps its database open for the life of the process; close it so others can write."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


# dbt's unit tests check the SQL on fixed inputs: they run in CI (tests/test_pipeline.py), not every night
NIGHTLY = ("--exclude-resource-type", "unit_test")


def build_marts(day: date, settings: Settings) -> bool:
    """Build and test every model, unless the raw gate held the night; True when built.

    A held night builds only the marts published every night (views over load_audit and quality_results).
    """
    with writer_lock(settings.warehouse):
        if held_reasons(day, settings):
            log.warning("%s 的原始数据未通过阻断性检查，本夜不构建数据集市", day)
            dbt_build(["--select", *ALWAYS_PUBLISHED, *NIGHTLY], settings)
            return False
        dbt_build(NIGHTLY, settings)
    return True


def publish_night(day: date, settings: Settings) -> Path:
    """Publish the night: its marts, or, if any blocking gate failed, the last good ones."""
    return publish(settings, hold=bool(held_reasons(day, settings)))


def docs(settings: Settings) -> Path:
    """The data dictionary: dbt docs as one self-contained page under the reports folder."""
    if not settings.build_db.exists():
        raise NightFailed("仓库尚未构建，请先运行 make demo 或 make run")
    with writer_lock(settings.warehouse):
        dbt(["docs", "generate", "--static"], settings)
    target = settings.reports / "docs" / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(dbt_target(settings) / "static_index.html", target)
    return target


def render(day: date, settings: Settings) -> list[Path]:
    """Write the bulletins due on a date from the published marts."""
    from reports.render import render_due

    return render_due(day, settings)


def _delivered_bytes(source: str, day: date, settings: Settings) -> int:
    return sum(p.stat().st_size for p in delivery_files(settings.landing, source, day) or [] if p.is_file())


def extract_pool() -> ProcessPoolExecutor:
    """Processes for extracting sources in parallel, as the Airflow tasks are; a backfill keeps one pool."""
    return ProcessPoolExecutor(
        min(len(SOURCES), os.cpu_count() or 1),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=end_with_parent,
    )


# what dbt imports: seconds of one core, which extraction (in other processes) leaves idle
WARM_IMPORTS = ("dbt.cli.main", "dbt.adapters.duckdb")


def warm_imports() -> threading.Thread:
    """Import dbt's libraries in a thread while the sources are extracted (in other processes, or here for a
    small night: Python's per-module import locks keep the two apart); join it before dbt runs (a failed
    import here is raised again where the module is used)."""

    def load() -> None:
        for name in WARM_IMPORTS:
            try:
                importlib.import_module(name)
            except Exception:  # raised again, with its traceback, where the night imports it
                log.debug("预加载 %s 失败", name, exc_info=True)

    thread = threading.Thread(target=load, name="warm-imports", daemon=True)
    thread.start()
    return thread


# below this many delivered bytes in all, a night's sources are read here, one after another: starting the
# extract processes (each imports the readers) would take longer than reading them
SMALL_NIGHT_BYTES = 1_000_000


def pull_sources(day: date, settings: Settings, pull: bool) -> None:
    """Pull every database or HTTP source's window for a date (when asked); a failed pull is logged and its
    source goes on with what the landing zone holds."""
    for name in SOURCES:
        try:
            log.info(pull_source(name, day, settings, pull))
        except upstream.PullFailed as exc:
            log.error("%s", exc)


def _by_size(day: date, settings: Settings) -> tuple[list[str], int]:
    """A date's sources, largest delivery first (so that no worker is left with a large one at the end), and
    the bytes delivered in all."""
    size = {name: _delivered_bytes(name, day, settings) for name in SOURCES}
    return sorted(SOURCES, key=lambda n: -size[n]), sum(size.values())


def pull_and_extract(day: date, settings: Settings, pull: bool) -> None:
    """Pull (when asked), then extract every source of a date: in parallel processes, or here when the night
    is small."""
    pull_sources(day, settings, pull)
    order, size = _by_size(day, settings)
    if size < SMALL_NIGHT_BYTES:
        for name in order:
            extract_source(name, day, settings)
        return
    workers = extract_pool()
    extracted = False
    try:
        for done in [workers.submit(extract_source, n, day, settings) for n in order]:
            done.result()
        extracted = True
    finally:
        # done: its processes end while the night goes on; failed: nothing more starts, and the night
        # lets go of its lock only when the running ones have ended
        workers.shutdown(wait=not extracted, cancel_futures=not extracted)


def ingest(day: date, settings: Settings, pull: bool = False) -> dict[str, int]:
    """Pull when asked, extract every source, load raw and pass the raw gate for one date."""
    pull_and_extract(day, settings, pull)
    counts = load_raw(day, settings)
    gate_raw([day], settings)
    return counts


def gate_night(day: date, settings: Settings, workers: GateWorkers | None = None) -> list[str]:
    """The raw gate of a night and of the nights after it that were loaded before it (their checks against
    earlier nights, re-delivered ids and volume history, must see it whatever order the nights ran in);
    returns the night's blocking failures (held batches)."""
    gate_raw([day, *loaded_after(day, settings)], settings, workers)
    return held_reasons(day, settings)


def loaded_after(day: date, settings: Settings) -> list[date]:
    """The nights after `day` that the warehouse holds."""
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        return [
            d
            for (d,) in con.execute(
                "SELECT DISTINCT delivery_date FROM raw.load_audit WHERE delivery_date > ? ORDER BY 1", [day]
            ).fetchall()
        ]


def run_night(day: date, settings: Settings, pull: bool = True) -> list[Path]:
    """The whole night for one delivery date; database and HTTP sources are pulled first unless pull=False."""
    settings.prepare()
    with writer_lock(settings.warehouse), gate_workers() as gates:
        warming = warm_imports()
        pull_and_extract(day, settings, pull)
        warming.join()
        load_raw(day, settings)
        gate_night(day, settings, gates)
        build_marts(day, settings)
        gate_marts(day, settings, gates)
        documented = document(settings, gates)
        publish_night(day, settings)
        wait_for_docs(documented)  # the bulletins' index links the Data Docs once they exist
        paths = render(day, settings)
    return paths


def dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# nights whose sources a backfill queues for extraction ahead of the night it loads: the extract processes
# read the next nights while this one is loaded, and a large source of one night overlaps another's
NIGHTS_AHEAD = 2


def load_nights(
    days: Sequence[date], settings: Settings, pull: bool = False, progress: Callable[[str], None] = log.info
) -> None:
    """Pull (when asked), extract and load each night in order, with one pool of extract processes for all
    (not gated: a range is gated in one run afterwards). Each night is loaded once its own sources are
    extracted, while the next nights' are read."""
    queued: deque[list[Future[list[dict]]]] = deque()  # the extractions of the nights from `day` on
    with writer_lock(settings.warehouse), extract_pool() as pool:
        try:
            warming = warm_imports()
            for i, day in enumerate(days, start=1):
                for ahead in days[i - 1 + len(queued) : i + NIGHTS_AHEAD]:
                    pull_sources(ahead, settings, pull)
                    order = _by_size(ahead, settings)[0]
                    queued.append([pool.submit(extract_source, n, ahead, settings) for n in order])
                for done in queued.popleft():
                    done.result()
                warming.join()
                counts = load_raw(day, settings)
                progress(f"[{i}/{len(days)}] {day} 已装载：" + "，".join(f"{k} {v}" for k, v in counts.items()))
        except BaseException:
            pool.shutdown(cancel_futures=True)  # nothing more starts; the running ones end before the lock is let go
            raise


def backfill(
    start: date, end: date, settings: Settings, progress: Callable[[str], None] = log.info, pull: bool = False
) -> list[Path]:
    """Every night of a range in order, then every bulletin the range makes due.

    The landing zone is replayed as it stands, unless pull=True: then each night's window is pulled first
    from the database and HTTP sources.

    Each night's deliveries are extracted, loaded and gated in order; the marts, a function of the loaded
    partitions that passed their gates, are then built once, gated for each night's slice and published
    once: the same warehouse as running the nights one by one. (Where the last night's raw gate failed, a
    night run holds the previous marts; a backfill publishes the build, which leaves the held batch out.)
    """
    settings.prepare()
    days = dates(start, end)
    from reports.render import render_index, render_range

    with writer_lock(settings.warehouse), gate_workers(helper=True) as gates:
        load_nights(days, settings, pull, progress)
        # one GX run for the range (in two processes, by date): each night's checks read only the nights
        # before it, all loaded by now
        progress("原始数据质量检查……")
        gate_raw([*days, *loaded_after(end, settings)], settings, gates)
        for day in days:
            if held := held_reasons(day, settings):
                progress(f"{day} 阻断：{'；'.join(held)}")
        progress(f"构建数据集市（dbt build，{settings.engine}）……")
        dbt_build(NIGHTLY, settings)
        hold = bool(check_marts(days, settings, gates))
        documented = document(settings, gates)
        publish(settings, hold=hold)
        progress("生成简报……")
        paths = render_range(days, settings)
        wait_for_docs(documented)  # the bulletins' index links the Data Docs once they exist
        paths = sorted([*paths, render_index(settings)])
    return paths
