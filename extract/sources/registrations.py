"""企业登记: new and changed company registrations from the credit publicity system."""

from extract.spec import Column, Kind, Source

SOURCE = Source(
    name="registrations",
    title_zh="企业登记",
    key=("uscc", "event", "event_date"),
    columns=(
        Column("uscc", "统一社会信用代码", Kind.USCC, required=True),
        Column("name", "企业名称", required=True),
        Column("legal_rep", "法定代表人"),
        Column("legal_rep_id", "法定代表人证件号码", Kind.CODE, personal=True),
        Column("reg_capital", "注册资本（万元）", Kind.NUMBER),
        Column("established_date", "成立日期", Kind.DATE, required=True),
        Column("address", "住所"),
        Column("region_code", "行政区划代码", Kind.REGION),
        Column("business_scope", "经营范围"),
        Column("entity_type", "企业类型"),
        Column("status", "登记状态", accepted=("存续", "在业", "注销", "吊销", "迁出")),
        Column("phone", "联系电话", Kind.CODE, personal=True),
        Column("email", "电子邮箱", Kind.CODE, personal=True),
        Column("event", "登记事项", accepted=("设立", "变更", "注销")),
        Column("event_date", "核准日期", Kind.DATE),
    ),
)
