"""The landing contract (CONTRACT §2): every format, header style and encoding; quarantine; rejection."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from landing import FORMATS, bad_check, make_uscc, write

from extract.batch import parse_delivery
from extract.sources import SOURCES
from pipeline.config import Settings

DAY = date(2026, 3, 2)
KEY = b"k"


def complaint_rows() -> list[dict[str, object]]:
    good = [
        {
            "ticket_id": f" T{i:03d} ",
            "received_at": form,
            "kind": "举报",
            "target_name": " 深圳市云数贸网络科技有限公司 ",
            "target_uscc": make_uscc(i).lower(),
            "description": "要求先交入会费，再发展下线拿直推奖",
            "amount": "１２，０００",
            "complainant_name": "王小明",
            "complainant_phone": "13812345678",
            "complainant_region": "４４０３０５",
        }
        for i, form in enumerate(
            ["2026-03-02 09:15:00", "2026/3/2 9:15", "2026年3月2日", "20260302", "２０２６－０３－０２"], start=1
        )
    ]
    bad = [
        {"ticket_id": "T900", "received_at": "2026-13-45", "target_name": "某公司", "description": "无法登记日期"},
        {"ticket_id": "T901", "received_at": "2026-03-02", "target_name": "", "description": "缺少被投诉方"},
        {"ticket_id": "T001", "received_at": "2026-03-02", "target_name": "重复", "description": "同批重复工单"},
    ]
    return good + bad


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("chinese", [False, True], ids=["canonical", "chinese"])
def test_every_format_and_header_style_loads_the_same(settings: Settings, fmt: str, chinese: bool) -> None:
    folder = settings.landing / "complaints" / DAY.isoformat()
    write(folder, "export", "complaints", complaint_rows(), fmt, chinese=chinese)
    batch = parse_delivery(SOURCES["complaints"], settings.landing, DAY, KEY)

    (audit,) = batch.audit
    assert audit["status"] == "loaded"
    assert (audit["rows_delivered"], audit["rows_loaded"], audit["rows_quarantined"]) == (8, 5, 3)
    first = batch.rows[0]
    assert first["ticket_id"] == "T001"
    assert first["received_at"] == datetime(2026, 3, 2, 9, 15)
    assert {r["received_at"].date() for r in batch.rows} == {DAY}
    assert first["target_name"] == "深圳市云数贸网络科技有限公司"
    assert first["target_uscc"] == make_uscc(1)
    assert first["amount"] == 12000.0
    assert first["complainant_region"] == "440305"
    assert first["_file"] == f"export.{fmt.split('-')[0]}" and first["_row_number"] > 0
    # personal fields never reach the raw rows in clear
    assert "complainant_phone" not in first and "complainant_name" not in first
    assert first["complainant_phone_masked"] == "138****5678"
    assert len(first["complainant_phone_hash"]) == 32
    reasons = sorted(q["reason"] for q in batch.quarantine)
    assert any("登记时间(received_at)" in r and "2026-13-45" in r for r in reasons)
    assert any("缺少必填值：被投诉举报方名称(target_name)" in r for r in reasons)
    assert any("主键重复" in r for r in reasons)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_detected_not_configured(settings: Settings, encoding: str) -> None:
    folder = settings.landing / "registrations" / DAY.isoformat()
    folder.mkdir(parents=True)
    text = (
        "统一社会信用代码,企业名称,成立日期,经营范围\n"
        + f"{make_uscc(5)},广州市聚鑫汇商贸有限公司,2026-03-01,日用百货销售\n"
    )
    (folder / "reg.csv").write_bytes(text.encode(encoding))
    batch = parse_delivery(SOURCES["registrations"], settings.landing, DAY, KEY)
    assert batch.audit[0]["rows_loaded"] == 1
    assert batch.rows[0]["name"] == "广州市聚鑫汇商贸有限公司"
    assert batch.rows[0]["business_scope"] == "日用百货销售"
    assert batch.rows[0]["event"] == "设立"


def test_xlsx_real_date_cells(settings: Settings) -> None:
    folder = settings.landing / "icp_filings" / DAY.isoformat()
    rows = [
        {
            "site_license": "粤ICP备2024012345号-1",
            "sponsor_name": "深圳市云数贸网络科技有限公司",
            "sponsor_nature": "企业",
            "sponsor_uscc": make_uscc(1),
            "domain": "YunShuMao-VIP.com",
            "approved_date": datetime(2026, 2, 27),
        }
    ]
    write(folder, "icp", "icp_filings", rows, "xlsx", chinese=True)
    batch = parse_delivery(SOURCES["icp_filings"], settings.landing, DAY, KEY)
    assert batch.rows[0]["approved_date"] == date(2026, 2, 27)
    assert batch.rows[0]["domain"] == "yunshumao-vip.com"


def test_file_missing_required_column_rejected_whole(settings: Settings) -> None:
    folder = settings.landing / "complaints" / DAY.isoformat()
    rows = [{k: v for k, v in r.items() if k != "description"} for r in complaint_rows()]
    write(folder, "no_description", "complaints", rows, "csv-gbk", chinese=True)
    write(folder, "good", "complaints", complaint_rows()[:2], "jsonl")
    batch = parse_delivery(SOURCES["complaints"], settings.landing, DAY, KEY)
    by_file = {a["file_name"]: a for a in batch.audit}
    rejected = by_file["no_description.csv"]
    assert rejected["status"] == "rejected"
    assert rejected["error"] == "文件 no_description.csv 缺少必填列：诉求内容(description)"
    assert (rejected["rows_delivered"], rejected["rows_loaded"], rejected["rows_quarantined"]) == (8, 0, 0)
    assert by_file["good.jsonl"]["rows_loaded"] == 2  # the night goes on for what is good


def test_rows_quarantined_with_reasons_and_nothing_lost(settings: Settings) -> None:
    folder = settings.landing / "registrations" / DAY.isoformat()
    good = make_uscc(1)
    rows = [
        {"uscc": good, "name": "好公司", "established_date": "2026-03-01"},
        {"uscc": bad_check(make_uscc(2)), "name": "坏码公司", "established_date": "2026-03-01"},
        {"uscc": make_uscc(3), "name": "坏日期公司", "established_date": "昨天"},
        {"uscc": make_uscc(4), "name": "", "established_date": "2026-03-01"},
        {"uscc": make_uscc(5), "name": "区划有误公司", "established_date": "2026-03-01", "region_code": "44030"},
    ]
    write(folder, "reg", "registrations", rows, "csv-utf8")
    (folder / "broken.jsonl").write_text(
        json.dumps({"uscc": make_uscc(6), "name": "甲", "established_date": "2026-03-01"}, ensure_ascii=False)
        + "\n{not json\n[1, 2]\n",
        encoding="utf-8",
    )
    batch = parse_delivery(SOURCES["registrations"], settings.landing, DAY, KEY)
    delivered = sum(a["rows_delivered"] for a in batch.audit)
    assert delivered == 8 == len(batch.rows) + len(batch.quarantine)
    reasons = " | ".join(q["reason"] for q in batch.quarantine)
    assert "统一社会信用代码校验位错误" in reasons
    assert "成立日期(established_date)：日期无法识别：昨天" in reasons
    assert "缺少必填值：企业名称(name)" in reasons
    assert "JSON格式错误" in reasons and "该行不是JSON对象" in reasons
    # an optional value that is malformed is set aside with a note, the row still loads
    noted = next(r for r in batch.rows if r["name"] == "区划有误公司")
    assert noted["region_code"] is None and "行政区划代码应为6位数字：44030" in noted["_row_notes"]


def test_truncated_csv_row_quarantined(settings: Settings) -> None:
    folder = settings.landing / "keyword_hits" / DAY.isoformat()
    folder.mkdir(parents=True)
    header = "hit_id,captured_at,platform,url,content,keyword"
    lines = [header, "H1,2026-03-02 10:00,微博,https://weibo.com/1,拉人头返利,拉人头", "H2,2026-03-02 10:01,微博"]
    (folder / "hits.csv").write_text("\n".join(lines), encoding="utf-8")
    batch = parse_delivery(SOURCES["keyword_hits"], settings.landing, DAY, KEY)
    assert [r["hit_id"] for r in batch.rows] == ["H1"]
    assert "列数不符" in batch.quarantine[0]["reason"]


@pytest.mark.parametrize(
    ("name", "payload", "message"),
    [
        ("corrupt.xlsx", b"PK\x03\x04 not really a workbook", "不是有效的XLSX工作簿"),
        ("utf16.csv", "工单编号\n1\n".encode("utf-16"), "UTF-16"),
        ("notes.txt", b"hello", "类型不受支持"),
        ("empty.csv", b"", "为空"),
    ],
)
def test_bad_files_rejected_with_chinese_error(settings: Settings, name: str, payload: bytes, message: str) -> None:
    folder = settings.landing / "complaints" / DAY.isoformat()
    folder.mkdir(parents=True)
    (folder / name).write_bytes(payload)
    batch = parse_delivery(SOURCES["complaints"], settings.landing, DAY, KEY)
    (audit,) = batch.audit
    assert audit["status"] == "rejected"
    assert name in audit["error"] and message in audit["error"]


def test_missing_delivery_is_recorded(settings: Settings) -> None:
    batch = parse_delivery(SOURCES["icp_filings"], settings.landing, DAY, KEY)
    assert batch.audit == [
        {
            "source": "icp_filings",
            "delivery_date": DAY,
            "file_name": None,
            "rows_delivered": 0,
            "rows_loaded": 0,
            "rows_quarantined": 0,
            "status": "missing",
            "error": "网站备案（icp_filings）当日未交付数据",
        }
    ]


def test_link_out_of_landing_zone_refused(settings: Settings, tmp_path: Path) -> None:
    outside = tmp_path / "secret.csv"
    outside.write_text("ticket_id\nX\n", encoding="utf-8")
    folder = settings.landing / "complaints" / DAY.isoformat()
    folder.mkdir(parents=True)
    (folder / "link.csv").symlink_to(outside)
    batch = parse_delivery(SOURCES["complaints"], settings.landing, DAY, KEY)
    assert batch.audit[0]["status"] == "rejected"
    assert "着陆区之外" in batch.audit[0]["error"]


def test_dispositions_need_uscc_or_lead_id(settings: Settings) -> None:
    folder = settings.landing / "dispositions" / DAY.isoformat()
    rows = [
        {"lead_id": "XS20260301-abcdef", "uscc": "", "action": "约谈", "action_date": "2026/3/2"},
        {"lead_id": "", "uscc": make_uscc(9), "action": "行政处罚", "action_date": "2026/3/2", "fine_amount": "5万"},
        {"lead_id": "", "uscc": "", "action": "提醒", "action_date": "2026/3/2"},
    ]
    write(folder, "feedback", "dispositions", rows, "csv-gbk", chinese=True)
    batch = parse_delivery(SOURCES["dispositions"], settings.landing, DAY, KEY)
    assert [r["action"] for r in batch.rows] == ["约谈", "行政处罚"]
    assert batch.rows[1]["fine_amount"] is None and "罚没金额" in batch.rows[1]["_row_notes"]
    assert "统一社会信用代码(uscc)（线索编号(lead_id)为空时必填）" in batch.quarantine[0]["reason"]
