"""线索核查处置反馈: results of offline verification and disposal of earlier leads."""

from extract.spec import Column, Kind, Source

SOURCE = Source(
    name="dispositions",
    title_zh="线索核查处置反馈",
    key=("lead_id", "uscc", "action", "action_date"),
    daily=False,
    required_if_empty={"uscc": "lead_id"},
    columns=(
        Column("lead_id", "线索编号", Kind.CODE),
        Column("uscc", "统一社会信用代码", Kind.USCC),
        Column(
            "action",
            "处置措施",
            required=True,
            accepted=(
                "核查无问题",
                "提醒",
                "约谈",
                "告诫",
                "名称限制",
                "列入经营异常",
                "行政处罚",
                "移送公安",
                "注销",
            ),
        ),
        Column("action_date", "处置日期", Kind.DATE, required=True),
        Column("unit", "处置单位"),
        Column("fine_amount", "罚没金额（元）", Kind.NUMBER),
        Column("note", "备注"),
    ),
)
