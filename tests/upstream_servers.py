"""Upstream systems for the pull tests: a real PostgreSQL server on loopback (Debian's postgresql) and a paged
JSON API on loopback, each with the faults and quirks the tests ask for."""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """A throw-away PostgreSQL cluster on 127.0.0.1 with a password-protected role `upstream`."""

    password = "上游-pass word/@:"  # characters a URI must escape

    def __init__(self) -> None:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb") or ""]
        if not found[-1]:
            raise RuntimeError("未找到 PostgreSQL（initdb）：请运行 make postgres 安装 Debian 的 postgresql 软件包")
        self.bin = Path(found[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix="upstream-pg-"))
        self.port = _free_port()
        self.as_postgres = os.geteuid() == 0  # PostgreSQL refuses to run as root

    def _run(self, *args: str, stdin: bytes | None = None) -> None:
        command = ["runuser", "-u", "postgres", "--", *args] if self.as_postgres else list(args)
        done = subprocess.run(command, input=stdin, capture_output=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{args[0]} failed: {(done.stderr or done.stdout).decode(errors='replace')}")

    def __enter__(self) -> PostgresServer:
        if self.as_postgres:
            shutil.chown(self.dir, "postgres")
        data = self.dir / "data"
        self._run(
            str(self.bin / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8", "--locale=C",
            "--auth-local=trust", "--auth-host=scram-sha-256",
        )  # fmt: skip
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        self.psql("postgres", f"CREATE ROLE upstream LOGIN PASSWORD '{self.password}'")
        return self

    def psql(self, database: str, sql: str, gbk_bytes: bool = False) -> None:
        """Run SQL as the superuser over the local socket. With gbk_bytes, the text goes in GBK-encoded with no
        conversion (client encoding SQL_ASCII), as the applications of the GBK era wrote to SQL_ASCII databases."""
        encoding = "SQL_ASCII" if gbk_bytes else "UTF8"
        self._run(
            "env", f"PGCLIENTENCODING={encoding}", str(self.bin / "psql"), "-h", str(self.dir), "-p", str(self.port),
            "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-q",
            stdin=sql.encode("gbk" if gbk_bytes else "utf-8"),
        )  # fmt: skip

    def create_database(self, name: str, encoding: str = "UTF8") -> None:
        self.psql("postgres", f"CREATE DATABASE {name} OWNER upstream ENCODING '{encoding}' TEMPLATE template0")

    def uri(self, database: str) -> str:
        """The connection as Airflow writes it in AIRFLOW_CONN_<NAME>."""
        from urllib.parse import quote

        return f"postgres://upstream:{quote(self.password, safe='')}@127.0.0.1:{self.port}/{database}"

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


class Api(ThreadingHTTPServer):
    """A paged JSON API over in-memory records, each with a hidden `_updated_at` (a naive Beijing time).

    Routes: `/api/<name>` pages by `page`/`page_size` with records under `data.items`; `/api/<name>/feed` pages
    by `cursor` with records under `records` and the next cursor in `next`. Both filter on `start` and `end`
    (ISO 8601 with offset). `faults` maps (path, page or cursor) to the statuses to answer before succeeding;
    `broken` paths answer 200 with a body that is not JSON. Every request is counted in `hits`."""

    daemon_threads = True

    def __init__(self, token: str) -> None:
        super().__init__(("127.0.0.1", 0), _ApiHandler)
        self.token = token
        self.records: dict[str, list[dict[str, Any]]] = {}
        self.faults: dict[tuple[str, str], list[int]] = {}
        self.broken: set[str] = set()
        self.hits: Counter[tuple[str, str]] = Counter()
        self.port = self.server_address[1]

    def __enter__(self) -> Api:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.shutdown()
        self.server_close()

    def uri(self) -> str:
        return json.dumps({"conn_type": "http", "host": "127.0.0.1", "port": self.port, "extra": {"token": self.token}})


class _ApiHandler(BaseHTTPRequestHandler):
    server: Api

    def log_message(self, *args: Any) -> None:  # keep the test output quiet
        pass

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        feed = url.path.endswith("/feed")
        name = url.path.removeprefix("/api/").removesuffix("/feed")
        position = query.get("cursor", "") if feed else query.get("page", "1")
        self.server.hits[(url.path, position)] += 1
        if self.headers.get("Authorization") != f"Bearer {self.server.token}":
            return self._send(401, b'{"error": "unauthorized"}')
        if name not in self.server.records:
            return self._send(404, b'{"error": "no such resource"}')
        if statuses := self.server.faults.get((url.path, position)):
            return self._send(statuses.pop(0), b'{"error": "upstream busy"}')
        if url.path in self.server.broken:
            return self._send(200, b'{"data": {"items": [{"ticket_id": "X"}, ')
        parse: Callable[[str], datetime] = lambda t: datetime.fromisoformat(t).replace(tzinfo=None)  # noqa: E731
        start, end = parse(query["start"]), parse(query["end"])
        rows = [
            {k: v for k, v in r.items() if k != "_updated_at"}
            for r in self.server.records[name]
            if start <= r["_updated_at"] < end
        ]
        if feed:  # cursor: the offset, in opaque form
            offset, size = int(position or "0", 16), 50
            chunk = rows[offset : offset + size]
            more = offset + size < len(rows)
            body = {"records": chunk, "next": format(offset + size, "x") if more else None}
        else:
            page, size = int(query["page"]), int(query["page_size"])
            body = {"data": {"items": rows[(page - 1) * size : page * size], "total": len(rows)}}
        self._send(200, json.dumps(body, ensure_ascii=False).encode())
