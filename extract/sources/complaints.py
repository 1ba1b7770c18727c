"""12315投诉举报: complaints, reports and enquiries from the 12315 platform."""

from extract.spec import Column, Kind, Source

SOURCE = Source(
    name="complaints",
    title_zh="12315投诉举报",
    key=("ticket_id",),
    columns=(
        Column("ticket_id", "工单编号", Kind.CODE, required=True),
        Column("received_at", "登记时间", Kind.DATETIME, required=True),
        Column("kind", "诉求类型", accepted=("投诉", "举报", "咨询")),
        Column("target_name", "被投诉举报方名称", required=True),
        Column("target_uscc", "被投诉举报方统一社会信用代码", Kind.USCC),
        Column("target_address", "被投诉举报方地址"),
        Column("target_url", "涉及网址或APP", Kind.URL),
        Column("description", "诉求内容", required=True),
        Column("amount", "涉及金额（元）", Kind.NUMBER),
        Column("complainant_name", "投诉举报人姓名", personal=True),
        Column("complainant_phone", "投诉举报人电话", Kind.CODE, personal=True),
        Column("complainant_region", "投诉举报人所在地区划代码", Kind.REGION),
        Column("channel", "来源渠道"),
    ),
)
