"""网络监测命中: keyword hits of web monitoring over sites, forums, social and app platforms."""

from extract.spec import Column, Kind, Source

SOURCE = Source(
    name="keyword_hits",
    title_zh="网络监测命中",
    key=("hit_id",),
    columns=(
        Column("hit_id", "命中编号", Kind.CODE, required=True),
        Column("captured_at", "采集时间", Kind.DATETIME, required=True),
        Column("platform", "来源平台", required=True),
        Column("url", "链接", Kind.URL, required=True),
        Column("title", "标题"),
        Column("content", "内容摘要", required=True),
        Column("keyword", "命中关键词", required=True),
        Column("account", "发布账号"),
        Column("mentioned_name", "涉及主体名称"),
        Column("server_ip", "服务器IP", Kind.CODE),
        Column("reads", "阅读数", Kind.INTEGER),
        Column("shares", "转发数", Kind.INTEGER),
    ),
)
