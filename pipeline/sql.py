"""A read-only SQL shell on the published marts: statements end with ';', '.tables' lists, '.quit' leaves."""

from __future__ import annotations

import sys

import duckdb

from pipeline.config import Settings


def main() -> int:
    path = Settings.from_env().marts_db
    if not path.exists():
        print(f"尚未发布数据集市：{path}（先运行 make demo 或 make run）", file=sys.stderr)
        return 1
    con = duckdb.connect(str(path), read_only=True)
    print(f"已只读打开 {path}。以分号结束语句；.tables 列出表；.quit 退出。")
    buffer: list[str] = []
    while True:
        try:
            line = input("marts> " if not buffer else "   ...> ")
        except EOFError:
            print()
            return 0
        if not buffer and line.strip() in (".quit", ".exit"):
            return 0
        if not buffer and line.strip() == ".tables":
            line = (
                "SELECT table_name, comment FROM duckdb_tables() "
                "UNION ALL SELECT view_name, comment FROM duckdb_views() WHERE NOT internal ORDER BY 1;"
            )
        buffer.append(line)
        if line.rstrip().endswith(";"):
            try:
                con.sql("\n".join(buffer)).show(max_rows=50, max_width=200)
            except duckdb.Error as exc:
                print(f"错误：{exc}")
            buffer.clear()


if __name__ == "__main__":
    sys.exit(main())
