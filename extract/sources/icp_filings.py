"""网站备案: ICP website filing records, with server IP and access provider from monitoring."""

from extract.spec import Column, Kind, Source

SOURCE = Source(
    name="icp_filings",
    title_zh="网站备案",
    key=("site_license",),
    columns=(
        Column("site_license", "网站备案号", Kind.ICP, required=True),
        Column("sponsor_name", "主办单位名称", required=True),
        Column(
            "sponsor_nature",
            "主办单位性质",
            accepted=("企业", "个人", "事业单位", "政府机关", "社会团体"),
        ),
        Column("sponsor_uscc", "主办单位证件号码", Kind.USCC),
        Column("site_name", "网站名称"),
        Column("domain", "网站域名", Kind.URL, required=True),
        Column("home_url", "网站首页网址", Kind.URL),
        Column("approved_date", "审核通过日期", Kind.DATE, required=True),
        Column("server_ip", "服务器IP", Kind.CODE),
        Column("access_provider", "接入服务商"),
    ),
)
