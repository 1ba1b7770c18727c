"""Command line of the warehouse: what the Makefile targets call."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from extract.upstream.config import ConfigError
from pipeline import night
from pipeline.config import Settings
from pipeline.lock import WarehouseBusy

DEMO_HISTORY_DAYS = 180  # the registers as they stood: the sample's complaints and posts name companies this old


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def _say(message: str) -> None:
    print(message, flush=True)


def cmd_run(args: argparse.Namespace, settings: Settings) -> None:
    started = time.monotonic()
    paths = night.run_night(args.date, settings, pull=args.pull)
    _say(f"{args.date} 夜间任务完成，用时{time.monotonic() - started:.1f}秒；集市：{settings.marts_db}")
    for p in paths:
        _say(f"  简报：{p}")


def cmd_backfill(args: argparse.Namespace, settings: Settings) -> None:
    if args.end < args.start:
        raise SystemExit("结束日期早于开始日期")
    started = time.monotonic()
    paths = night.backfill(args.start, args.end, settings, progress=_say, pull=args.pull)
    _say(f"回填 {args.start} 至 {args.end} 完成，共{len(paths)}个简报文件，用时{time.monotonic() - started:.1f}秒")
    _say(f"简报目录：{settings.reports / 'index.html'}")


def cmd_reports(args: argparse.Namespace, settings: Settings) -> None:
    for p in night.render(args.date, settings):
        _say(f"简报：{p}")


def cmd_sample(args: argparse.Namespace, settings: Settings) -> None:
    from pipeline.sample import generate

    counts = generate(settings.landing, args.start, args.end, scale=args.scale, history_days=args.history)
    summary = "，".join(f"{k} {v}行" for k, v in counts.items())
    _say(f"样例数据已写入 {settings.landing}（{args.start} 至 {args.end}，规模 {args.scale}）：{summary}")


def cmd_demo(args: argparse.Namespace, settings: Settings) -> None:
    end = args.end or date.today() - timedelta(days=1)
    start = end - timedelta(days=args.days - 1)
    args.start, args.end = start, end
    cmd_sample(argparse.Namespace(start=start, end=end, scale="demo", history=DEMO_HISTORY_DAYS), settings)
    args.pull = False
    cmd_backfill(args, settings)
    _say(f"演示完成。打开 {settings.reports / 'index.html'} 查看简报；用 make sql 查询 {settings.marts_db}")


def cmd_case(args: argparse.Namespace, settings: Settings) -> None:
    from reports.case import CaseNotFound, render_case
    from reports.render import render_index

    try:
        path = render_case(args.entity, settings)
    except CaseNotFound as exc:
        raise SystemExit(str(exc)) from None
    render_index(settings)
    _say(f"个案专报：{path}")


def cmd_export(args: argparse.Namespace, settings: Settings) -> None:
    from pipeline.export import export

    n = export(settings.marts_db, args.table, args.out)
    _say(f"已导出 {args.table} 共{n}行：{args.out}（以 = + - @ 开头的文本已加单引号，防止表格软件当作公式执行）")


def cmd_hash_id(args: argparse.Namespace, settings: Settings) -> None:
    """Keyed hashes of ID numbers read from standard input, for the organiser blacklist seed."""
    from extract.batch import keyed_hash

    key = settings.hash_key()
    for line in sys.stdin:
        if line.strip():
            print(keyed_hash(key, line.strip()))


def cmd_docs(args: argparse.Namespace, settings: Settings) -> None:
    target = night.docs(settings)
    _say(f"数据字典已生成：{target}")


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    parser = argparse.ArgumentParser(prog="pipeline", description="网络传销监测数据仓库")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="运行一个交付日期的夜间任务")
    p.add_argument("--date", type=_date, required=True)
    p.add_argument("--no-pull", dest="pull", action="store_false", help="不从数据库或接口拉取，只重放着陆区已有文件")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("backfill", help="按顺序回填一段日期")
    p.add_argument("--start", type=_date, required=True)
    p.add_argument("--end", type=_date, required=True)
    p.add_argument("--pull", action="store_true", help="先从数据库或接口拉取每夜的时间窗口（默认重放着陆区）")
    p.set_defaults(func=cmd_backfill)
    p = sub.add_parser("reports", help="重新生成某日应出的简报")
    p.add_argument("--date", type=_date, required=True)
    p.set_defaults(func=cmd_reports)
    p = sub.add_parser("sample", help="生成样例交付数据")
    p.add_argument("--start", type=_date, required=True)
    p.add_argument("--end", type=_date, required=True)
    p.add_argument("--scale", choices=("demo", "province", "national"), default="demo")
    p.add_argument("--history", type=int, default=0, help="首日另交付此前若干天的存量登记与网站备案（history.csv）")
    p.set_defaults(func=cmd_sample)
    p = sub.add_parser("demo", help="生成样例数据并回填最近若干天")
    p.add_argument("--end", type=_date, default=None)
    p.add_argument("--days", type=int, default=60)
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("docs", help="生成数据字典（dbt docs）")
    p.set_defaults(func=cmd_docs)
    p = sub.add_parser("case", help="生成一个主体的个案专报")
    p.add_argument("--entity", required=True, help="统一社会信用代码或主体编号")
    p.set_defaults(func=cmd_case)
    p = sub.add_parser("export", help="将集市中的一张表导出为 CSV 或 XLSX")
    p.add_argument("table")
    p.add_argument("--out", type=Path, required=True)
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("hash-id", help="从标准输入逐行读取证件号码，输出其密钥哈希（用于组织者黑名单种子表）")
    p.set_defaults(func=cmd_hash_id)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    try:
        args.func(args, settings)
    except (night.NightFailed, WarehouseBusy, FileNotFoundError, ConfigError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
