"""Where things live: paths from the environment (CONTRACT §1) and the keyed-hash secret."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("duckdb", "spark")


def _path(var: str, default: str) -> Path:
    value = Path(os.environ.get(var) or default)
    return value if value.is_absolute() else ROOT / value


@dataclass(frozen=True)
class Settings:
    """The directories one warehouse uses; a second warehouse sets other ones."""

    landing: Path
    warehouse: Path
    reports: Path
    engine: str = "duckdb"  # what dbt builds the marts on; the raw tables and the published file are DuckDB's

    @classmethod
    def from_env(cls) -> Settings:
        engine = os.environ.get("ENGINE") or "duckdb"
        if engine not in ENGINES:
            raise SystemExit(f"ENGINE 只能是 {' 或 '.join(ENGINES)}，而不是 {engine}")
        return cls(
            landing=_path("LANDING_DIR", "data/landing"),
            warehouse=_path("WAREHOUSE_DIR", "data/warehouse"),
            reports=_path("REPORTS_DIR", "data/reports"),
            engine=engine,
        )

    def environ(self) -> dict[str, str]:
        """The variables from_env reads, pointing another process (a `make` target, a task) at this warehouse."""
        return {
            "LANDING_DIR": str(self.landing),
            "WAREHOUSE_DIR": str(self.warehouse),
            "REPORTS_DIR": str(self.reports),
            "ENGINE": self.engine,
        }

    @property
    def build_db(self) -> Path:
        return self.warehouse / "build.duckdb"

    @property
    def marts_db(self) -> Path:
        return self.warehouse / "marts.duckdb"

    @property
    def lake(self) -> Path:
        return self.warehouse / "lake"

    @property
    def spark_dir(self) -> Path:
        """Spark's metastore and tables, when ENGINE=spark."""
        return self.warehouse / "spark"

    def prepare(self) -> None:
        """Create the warehouse folder private to its owner."""
        self.warehouse.mkdir(parents=True, exist_ok=True)
        self.warehouse.chmod(0o700)
        self.reports.mkdir(parents=True, exist_ok=True)

    def hash_key(self) -> bytes:
        """The key of the keyed hash of personal fields: PII_HASH_KEY, else a private key file per warehouse."""
        if key := os.environ.get("PII_HASH_KEY"):
            return key.encode()
        self.prepare()
        key_file = self.warehouse / ".pii_hash_key"
        if not key_file.exists():
            # written whole beside it, then linked in: of several extract processes on a new warehouse, the
            # first link wins and every process reads that key, never a half-written one
            tmp = self.warehouse / f".pii_hash_key.{os.getpid()}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
                f.flush()
                os.fsync(f.fileno())
            try:
                os.link(tmp, key_file)
            except FileExistsError:
                pass
            finally:
                tmp.unlink()
        return key_file.read_text().strip().encode()
