"""Deterministic sample deliveries for the landing zone (CONTRACT §2), with the ground truth behind them.

``generate(landing_dir, start, end, scale, seed)`` writes, for every date D in [start, end]::

    <source>/<D>/<stem>[_1|_2].<csv|xlsx|jsonl>   1 or 2 files per source; dispositions only on some dates
    _ground_truth/entities/<D>.csv                uscc, name, trade_name, scheme_id, first_date, malformed
    _ground_truth/complaints/<D>.csv              ticket_id, true_uscc, scheme_id, malformed, named_by, redelivered_from
    _ground_truth/keyword_hits/<D>.csv            hit_id, true_uscc, scheme_id, malformed, named_by
    _ground_truth/schemes/<D>.csv                 scheme_id, trade_name, app_name, domains, server_ip, shells
    _ground_truth/manifest/<D>.csv                source, date, file_name, rows, malformed

Everything written for D is a pure function of (seed, scale, D), so a sub-range reproduces the same bytes, and
generate replaces the date folders it writes whole; with ``history_days`` the first date also carries
``registrations/<start>/history.csv`` and ``icp_filings/<start>/history.csv``, the registers of the days before
it (see ``generate``). Ground-truth files are UTF-8 with a header row, one per date.

The world: registration i of date D is ``World.company(D, i)``; ordinary complaints and hits name companies of
the previous 180 days (some registered before the generated range). Scheme k (``S00042``) starts on a date fixed
by (seed, scale, k) and registers 2–6 shells over its first week that share a trade name and at least one of legal
representative, phone, e-mail or address; 1–3 filed sites on one server IP; complaints and hits from day 3 to
day 45–75, growing; 70 % of schemes get dispositions 20–43 days after start.

Ground-truth columns:
- ``entities.uscc`` is the true code, also where the file carries a malformed one.
- ``true_uscc`` is the registered company the record is about. Records about a scheme carry it only where they
  single out one shell (its name or a variant, its code, trade name + its city, a domain it filed); where they
  name just the scheme (trade name, app, a domain filed by a person, only in the text) it is empty and
  ``scheme_id`` says which. Empty too for unregistered platforms and for hits that name no entity.
- ``named_by``: full_name, bracket_variant, short_name, trade_name, trade_name_region, app_name, domain, text,
  unregistered, or empty (the record names no entity).
- ``malformed``: bad_uscc_check (registrations ``uscc``; complaints ``target_uscc``, optional), bad_date
  (``established_date``, ``received_at``, ``captured_at``), missing_required (``name``; ``target_name`` or
  ``description``; ``content``: empty or spaces only). About 1 % of ordinary rows; scheme rows never.
- ``redelivered_from``: at demo scale, once every 15 days one valid ticket of the 7 days before is delivered again,
  unchanged (same ticket_id and values), at the end of the file; the column holds its first delivery date.
- ``manifest.malformed`` counts the rows of that file with a malformed reason.
"""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import json
import math
import random
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import openpyxl
from openpyxl.xml.functions import tostring

from extract.sources import SOURCES
from extract.spec import Column, Kind

# ---------------------------------------------------------------------------------------------------- codes

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_ORG_VALUE = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ORD_BASE = date(2000, 1, 1).toordinal()
_SHELL_BASE = 20_000_000_000  # organisation-body numbers of scheme shells, apart from ordinary ones


def org_code(body: str) -> str:
    """Append the GB 11714 check character to an 8-character organisation code body."""
    total = sum(_ORG_VALUE[c] * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(head: str, region: str, body: str) -> str:
    """A valid USCC from its 2-character head, 6-digit region code and 8-character organisation body."""
    code = head + region + org_code(body)
    total = sum(_USCC_VALUE[c] * w for c, w in zip(code, _USCC_WEIGHTS, strict=True))
    return code + USCC_ALPHABET[(31 - total % 31) % 31]


def bad_check(code: str) -> str:
    """The same USCC with a wrong final check character."""
    return code[:17] + USCC_ALPHABET[(_USCC_VALUE[code[17]] + 7) % 31]


def _base31(n: int) -> str:
    """n below 31**7 as 7 characters of the USCC alphabet, least significant first."""
    chars = []
    for _ in range(7):
        n, r = divmod(n, 31)
        chars.append(USCC_ALPHABET[r])
    return "".join(chars)


def _org_body(n: int) -> str:
    """An organisation body 'M' + 7 characters, distinct for every n below 31**7 and unrelated for neighbours."""
    mixed = _base31((n * 17_003_424_137 + 7_777_777) % 31**7)[::-1]  # affine, then digits reversed
    value = sum(_USCC_VALUE[c] * 31**i for i, c in enumerate(mixed))
    return "M" + _base31((value * 12_345_678_919 + 3_141_592) % 31**7)


# Birth places that python-stdnum accepts for births 1960-2003.
_ID_REGIONS = (
    "110108",
    "120101",
    "310105",
    "310109",
    "320200",
    "320600",
    "330127",
    "340121",
    "350100",
    "360121",
    "370400",
    "410400",
    "410800",
    "420500",
    "430121",
    "430300",
    "440100",
    "440400",
    "440800",
    "450300",
    "510421",
    "522622",
    "530124",
    "610300",
    "620123",
    "140122",
    "220200",
    "230400",
    "210700",
)


def resident_id(rng: random.Random) -> str:
    """An 18-character resident ID with a valid ISO 7064 MOD 11-2 check character."""
    born = date(1962, 1, 1) + timedelta(days=rng.randrange(40 * 365))
    body = f"{rng.choice(_ID_REGIONS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _RIC_WEIGHTS, strict=True)) % 11]


_MOBILE_HEADS = (
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "170",
    "173",
    "175",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)


def mobile(rng: random.Random) -> str:
    """A mainland mobile number."""
    return rng.choice(_MOBILE_HEADS) + f"{rng.randrange(10**8):08d}"


# ---------------------------------------------------------------------------------------------------- places


@dataclass(frozen=True, slots=True)
class Region:
    """A county-level division: code, names, ICP province character, city pinyin and sampling weights."""

    code: str
    province: str  # empty for municipalities
    city: str
    district: str
    icp: str
    pinyin: str
    weight: int  # share of ordinary registrations
    scheme_weight: int  # share of scheme shells (key regions weigh more)

    @property
    def short(self) -> str:
        """The city as people say it: 深圳, 北京."""
        return self.city.removesuffix("市")

    @property
    def prefix(self) -> str:
        """The region as company names carry it: 深圳市, but 北京 for municipalities."""
        return self.city if self.province else self.short

    @property
    def full(self) -> str:
        return self.province + self.city + self.district


REGIONS = tuple(
    Region(*row)
    for row in (
        ("110105", "", "北京市", "朝阳区", "京", "beijing", 30, 10),
        ("110108", "", "北京市", "海淀区", "京", "beijing", 30, 8),
        ("120101", "", "天津市", "和平区", "津", "tianjin", 10, 2),
        ("310104", "", "上海市", "徐汇区", "沪", "shanghai", 25, 5),
        ("310115", "", "上海市", "浦东新区", "沪", "shanghai", 35, 8),
        ("500103", "", "重庆市", "渝中区", "渝", "chongqing", 12, 3),
        ("500112", "", "重庆市", "渝北区", "渝", "chongqing", 12, 3),
        ("440104", "广东省", "广州市", "越秀区", "粤", "gz", 20, 6),
        ("440106", "广东省", "广州市", "天河区", "粤", "gz", 30, 8),
        ("440304", "广东省", "深圳市", "福田区", "粤", "sz", 30, 8),
        ("440305", "广东省", "深圳市", "南山区", "粤", "sz", 35, 10),
        ("440604", "广东省", "佛山市", "禅城区", "粤", "foshan", 15, 3),
        ("441900", "广东省", "东莞市", "", "粤", "dg", 20, 4),
        ("330106", "浙江省", "杭州市", "西湖区", "浙", "hangzhou", 20, 5),
        ("330108", "浙江省", "杭州市", "滨江区", "浙", "hangzhou", 20, 5),
        ("330203", "浙江省", "宁波市", "海曙区", "浙", "ningbo", 15, 2),
        ("320105", "江苏省", "南京市", "建邺区", "苏", "nanjing", 15, 8),
        ("320106", "江苏省", "南京市", "鼓楼区", "苏", "nanjing", 12, 6),
        ("320508", "江苏省", "苏州市", "姑苏区", "苏", "suzhou", 20, 3),
        ("420106", "湖北省", "武汉市", "武昌区", "鄂", "wuhan", 15, 8),
        ("420111", "湖北省", "武汉市", "洪山区", "鄂", "wuhan", 12, 6),
        ("430103", "湖南省", "长沙市", "天心区", "湘", "changsha", 12, 8),
        ("430104", "湖南省", "长沙市", "岳麓区", "湘", "changsha", 12, 6),
        ("450103", "广西壮族自治区", "南宁市", "青秀区", "桂", "nanning", 10, 10),
        ("450502", "广西壮族自治区", "北海市", "海城区", "桂", "beihai", 5, 12),
        ("450302", "广西壮族自治区", "桂林市", "秀峰区", "桂", "guilin", 5, 8),
        ("131002", "河北省", "廊坊市", "安次区", "冀", "langfang", 5, 8),
        ("131003", "河北省", "廊坊市", "广阳区", "冀", "langfang", 5, 8),
        ("610104", "陕西省", "西安市", "莲湖区", "陕", "xa", 10, 6),
        ("610113", "陕西省", "西安市", "雁塔区", "陕", "xa", 12, 6),
        ("340104", "安徽省", "合肥市", "蜀山区", "皖", "hefei", 12, 7),
        ("340111", "安徽省", "合肥市", "包河区", "皖", "hefei", 10, 6),
        ("520102", "贵州省", "贵阳市", "南明区", "黔", "guiyang", 8, 7),
        ("520103", "贵州省", "贵阳市", "云岩区", "黔", "guiyang", 8, 6),
        ("360102", "江西省", "南昌市", "东湖区", "赣", "nc", 8, 7),
        ("360111", "江西省", "南昌市", "青山湖区", "赣", "nc", 8, 6),
        ("510104", "四川省", "成都市", "锦江区", "蜀", "chengdu", 15, 4),
        ("510107", "四川省", "成都市", "武侯区", "蜀", "chengdu", 15, 4),
        ("370102", "山东省", "济南市", "历下区", "鲁", "jinan", 12, 5),
        ("370202", "山东省", "青岛市", "市南区", "鲁", "qingdao", 12, 4),
        ("350203", "福建省", "厦门市", "思明区", "闽", "xm", 12, 3),
        ("410105", "河南省", "郑州市", "金水区", "豫", "zhengzhou", 15, 4),
        ("530102", "云南省", "昆明市", "五华区", "滇", "km", 8, 3),
        ("210102", "辽宁省", "沈阳市", "和平区", "辽", "shenyang", 8, 2),
    )
)
_REGION_CUM = tuple(itertools.accumulate(r.weight for r in REGIONS))
_SCHEME_REGION_CUM = tuple(itertools.accumulate(r.scheme_weight for r in REGIONS))

_STREETS = (
    "人民路",
    "建设路",
    "解放路",
    "中山路",
    "科技园路",
    "创业路",
    "金融街",
    "滨江大道",
    "长江路",
    "黄河路",
    "新华路",
    "和平路",
    "文化路",
    "工业大道",
    "世纪大道",
    "高新大道",
    "东风路",
    "学府路",
    "青年路",
    "环城北路",
    "府前街",
    "商业街",
    "迎宾大道",
    "振兴路",
)
_BUILDINGS = (
    "国际大厦",
    "商务中心",
    "科技大厦",
    "财富广场",
    "创业园",
    "金融中心",
    "时代广场",
    "万达广场",
    "软件园",
    "总部基地",
    "电商产业园",
    "置地广场",
    "发展大厦",
    "双创中心",
)


def address(rng: random.Random, region: Region) -> str:
    """A street address in the region."""
    street = f"{region.full}{rng.choice(_STREETS)}{rng.randint(1, 999)}号"
    r = rng.random()
    if r < 0.6:
        return f"{street}{rng.choice(_BUILDINGS)}{rng.randint(2, 32)}{rng.randint(1, 30):02d}室"
    if r < 0.85:
        return f"{street}{rng.randint(1, 12)}栋{rng.randint(1, 6)}0{rng.randint(1, 9)}"
    return f"{street}一层商铺{rng.randint(1, 60)}号"


# ---------------------------------------------------------------------------------------------------- people

_SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红梅玉志海燕文博子涵浩然宇轩梓萱欣怡思远俊雅婷晓东立新"
    "春秋雪琳琪瑶璐颖慧聪鹏飞凤斌彬鑫淼森林峰岩振宏宁安康乐晨阳辉佳豪诗琴嘉伦德胜秀云"
)
_COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方")


def person(rng: random.Random) -> str:
    """A Chinese personal name."""
    surname = rng.choice(_COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(_SURNAMES)
    given = rng.choice(_GIVEN) if rng.random() < 0.3 else rng.choice(_GIVEN) + rng.choice(_GIVEN)
    return surname + given


_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_B62 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _token(rng: random.Random, n: int, alphabet: str = _B62) -> str:
    return "".join(rng.choices(alphabet, k=n))


def email(rng: random.Random) -> str:
    """A personal e-mail address."""
    if rng.random() < 0.5:
        return f"{rng.randrange(10**5, 10**10)}@qq.com"
    box = rng.choice(("163.com", "126.com", "sina.com", "foxmail.com", "139.com", "outlook.com"))
    return f"{_token(rng, rng.randint(4, 8), _LETTERS)}{rng.randrange(100)}@{box}"


def _ip(rng: random.Random, heads: tuple[int, ...]) -> str:
    return f"{rng.choice(heads)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


_CLOUD_IPS = (39, 47, 101, 106, 110, 114, 118, 119, 120, 121, 123, 124, 139, 182, 211)
_OFFSHORE_IPS = (43, 45, 103, 104, 107, 154, 156, 162, 202)
_PROVIDERS = (
    "阿里云",
    "腾讯云",
    "华为云",
    "百度智能云",
    "西部数码",
    "中国电信",
    "中国联通",
    "天翼云",
    "京东云",
    "新网",
)

# ---------------------------------------------------------------------------------------------------- trades


@dataclass(frozen=True, slots=True)
class Industry:
    """An industry or shop type as a name carries it, its business scope and its complaint topic."""

    name: str
    topic: str
    scope: str

    @property
    def business_scope(self) -> str:
        return f"一般项目：{self.scope}。（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"


def _industries(*rows: tuple[str, str, str]) -> tuple[Industry, ...]:
    return tuple(Industry(*row) for row in rows)


INDUSTRIES = _industries(
    ("网络科技", "online", "网络技术服务；技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；软件开发"),
    ("信息技术", "online", "信息技术咨询服务；软件开发；数据处理服务；计算机系统服务"),
    ("电子商务", "shop", "互联网销售（除销售需要许可的商品）；日用百货销售；服装服饰零售；食品销售"),
    ("商贸", "shop", "日用百货销售；五金产品零售；电子产品销售；家用电器销售"),
    ("贸易", "shop", "货物进出口；技术进出口；食用农产品批发；针纺织品销售"),
    ("餐饮管理", "food", "餐饮管理；餐饮服务；食品销售"),
    ("食品", "food", "食品生产；食品销售；农副产品销售"),
    ("体育发展", "fitness", "健身休闲活动；体育场地设施经营（不含高危险性体育运动）；体育用品及器材零售"),
    ("教育咨询", "education", "教育咨询服务（不含涉许可审批的教育培训活动）；组织文化艺术交流活动"),
    ("装饰工程", "renovation", "住宅室内装饰装修；建筑装饰材料销售；园林绿化工程施工"),
    ("建筑工程", "renovation", "建设工程施工；建筑劳务分包；工程管理服务"),
    ("汽车服务", "car", "机动车修理和维护；汽车零配件零售；洗车服务"),
    ("生物科技", "health", "生物基材料技术研发；保健食品（预包装）销售；化妆品零售"),
    ("健康管理", "health", "健康咨询服务（不含诊疗服务）；养生保健服务（非医疗）；第一类医疗器械销售"),
    ("医疗器械", "health", "第一类医疗器械销售；第二类医疗器械销售；医护人员防护用品零售"),
    ("物流", "logistics", "普通货物仓储服务；道路货物运输（不含危险货物）；国内货物运输代理"),
    ("文化传媒", "service", "组织文化艺术交流活动；广告设计、代理；广告制作；会议及展览服务"),
    ("家政服务", "service", "家政服务；养老服务；专业保洁、清洗、消毒服务"),
    ("旅游发展", "travel", "旅游业务；旅行社服务网点旅游招徕、咨询服务；酒店管理"),
    ("房地产经纪", "estate", "房地产经纪；房地产咨询；住房租赁"),
    ("企业管理咨询", "agency", "企业管理咨询；商务信息咨询（不含投资类咨询）；市场营销策划"),
    ("品牌管理", "agency", "品牌管理；企业形象策划；特许经营（加盟）服务"),
    ("供应链管理", "shop", "供应链管理服务；国内贸易代理；包装服务"),
    ("新能源科技", "shop", "新兴能源技术研发；光伏设备及元器件销售；电池销售"),
    ("农业发展", "shop", "农作物种植；农产品的生产、销售、加工、运输、贮藏及其他相关服务"),
    ("通讯设备", "shop", "通讯设备销售；移动终端设备销售；电子产品销售"),
)
SHOP_TYPES = _industries(
    ("餐饮店", "food", "餐饮服务；食品小作坊经营"),
    ("便利店", "shop", "食品销售；日用百货销售；烟草制品零售"),
    ("美容美发店", "service", "理发服务；生活美容服务"),
    ("服装店", "shop", "服装服饰零售；鞋帽零售"),
    ("手机维修部", "shop", "通讯设备修理；电子产品销售"),
    ("摄影工作室", "service", "摄影扩印服务；婚庆礼仪服务"),
    ("设计工作室", "service", "平面设计；广告设计、代理"),
    ("水果店", "shop", "水果零售；食用农产品零售"),
    ("五金店", "shop", "五金产品零售；建筑材料销售"),
    ("汽车维修部", "car", "机动车修理和维护；洗车服务"),
    ("茶行", "shop", "茶具销售；食品销售"),
    ("健身馆", "fitness", "健身休闲活动"),
)
COOP_TYPES = _industries(
    ("蔬菜种植", "shop", "蔬菜种植；农产品销售；农业技术服务"),
    ("水果种植", "shop", "水果种植；农产品销售；农业技术服务"),
    ("茶叶种植", "shop", "茶叶种植；初级农产品收购"),
    ("生猪养殖", "shop", "牲畜饲养；畜牧专业及辅助性活动"),
)
PARTNERSHIP_TYPES = _industries(
    ("投资管理", "agency", "以自有资金从事投资活动；企业管理咨询"),
    ("企业管理咨询", "agency", "企业管理咨询；信息咨询服务（不含许可类信息咨询服务）"),
    ("股权投资", "agency", "以私募基金从事股权投资、投资管理、资产管理等活动"),
    ("文化发展", "service", "组织文化艺术交流活动；文艺创作"),
)
SCHEME_INDUSTRIES = _industries(
    ("网络科技", "online", "网络技术服务；软件开发；互联网销售（除销售需要许可的商品）；会议及展览服务"),
    ("电子商务", "shop", "互联网销售（除销售需要许可的商品）；日用百货销售；会员服务"),
    ("区块链科技", "online", "区块链技术相关软件和服务；数字文化创意软件开发；网络技术服务"),
    ("数字科技", "online", "数字技术服务；数据处理服务；数字内容制作服务（不含出版发行）"),
    ("健康科技", "health", "健康咨询服务（不含诊疗服务）；保健食品（预包装）销售；互联网销售（除销售需要许可的商品）"),
    ("生物科技", "health", "生物基材料技术研发；保健食品（预包装）销售；化妆品零售"),
    ("供应链管理", "shop", "供应链管理服务；国内贸易代理；互联网销售（除销售需要许可的商品）"),
    ("企业管理咨询", "agency", "企业管理咨询；市场营销策划；会议及展览服务；社会经济咨询服务"),
    ("商贸", "shop", "日用百货销售；酒类经营；茶叶销售"),
    ("农业科技", "agency", "智慧农业管理；农产品销售；乡村振兴相关技术咨询服务"),
    ("信息技术", "online", "信息技术咨询服务；软件开发；广告发布"),
)
_COMPANY_FORMS = ("有限公司", "有限责任公司", "股份有限公司")
_COMPANY_TYPES = {
    "有限公司": ("有限责任公司（自然人投资或控股）", "有限责任公司（自然人独资）", "有限责任公司（法人独资）"),
    "有限责任公司": ("有限责任公司（自然人投资或控股）", "有限责任公司（自然人投资或控股的法人独资）"),
    "股份有限公司": ("股份有限公司（非上市、自然人投资或控股）",),
}


def _pinyin_table(text: str) -> tuple[tuple[str, str], ...]:
    """Parse 'characters:pinyin' pairs separated by spaces."""
    return tuple((chars, pinyin) for chars, pinyin in (pair.split(":") for pair in text.split()))


# Characters of ordinary trade names (字号) with their pinyin, for domains.
_ZIHAO = _pinyin_table(
    "华:hua 盛:sheng 鑫:xin 源:yuan 泰:tai 恒:heng 达:da 通:tong 利:li 丰:feng 瑞:rui 祥:xiang 德:de 信:xin "
    "诚:cheng 宏:hong 远:yuan 嘉:jia 博:bo 创:chuang 新:xin 天:tian 海:hai 金:jin 龙:long 凯:kai 顺:shun 安:an "
    "康:kang 永:yong 福:fu 佳:jia 美:mei 优:you 品:pin 智:zhi 云:yun 星:xing 辰:chen 晨:chen 阳:yang 光:guang "
    "明:ming 正:zheng 和:he 合:he 众:zhong 联:lian 方:fang 圆:yuan 汇:hui 东:dong 南:nan 宇:yu 航:hang 腾:teng "
    "飞:fei 捷:jie 锦:jin 绣:xiu 润:run 泽:ze 鼎:ding 峰:feng 川:chuan 林:lin 森:sen 青:qing 蓝:lan 益:yi "
    "家:jia 乐:le 欣:xin 悦:yue 百:bai 万:wan 千:qian 久:jiu 晟:sheng 昊:hao 煜:yu 铭:ming 轩:xuan 睿:rui 启:qi "
    "臻:zhen 尚:shang 易:yi 禾:he 田:tian 果:guo 麦:mai 米:mi 聚:ju 喜:xi 宝:bao 弘:hong 裕:yu 友:you 辉:hui"
)


def _trade_name(rng: random.Random) -> tuple[str, str]:
    """An ordinary trade name of 2 (mostly) or 3 characters, with its pinyin."""
    picks = rng.sample(_ZIHAO, 3 if rng.random() < 0.2 else 2)
    return "".join(c for c, _ in picks), "".join(p for _, p in picks)


# Scheme trade names: some from public warnings and cases, the rest composed.
_SCHEME_FAMOUS = (
    ("云数贸", "yunshumao"),
    ("樽享", "zunxiang"),
    ("聚鑫汇", "juxinhui"),
    ("善心汇", "shanxinhui"),
    ("钱宝", "qianbao"),
    ("亿家联", "yijialian"),
    ("同心圆", "tongxinyuan"),
    ("云联惠", "yunlianhui"),
    ("五行币", "wuxingbi"),
    ("维卡币", "weikabi"),
    ("百川币", "baichuanbi"),
)
_SCHEME_HEADS = _pinyin_table(
    "云:yun 聚:ju 善:shan 亿:yi 同:tong 金:jin 链:lian 易:yi 优:you 惠:hui 众:zhong 万:wan 鑫:xin 富:fu "
    "乐:le 盈:ying 中:zhong 华:hua 数:shu 智:zhi 趣:qu 天:tian 福:fu 财:cai 汇:hui 星:xing 康:kang 美:mei "
    "德:de 共:gong 玖:jiu 恒:heng 润:run 瑞:rui 宝:bao 和:he 蜂:feng 米:mi 甜:tian 樽:zun"
)
_SCHEME_TAILS = _pinyin_table(
    "享:xiang 宝:bao 汇:hui 链:lian 币:bi 通:tong 盟:meng 购:gou 赢:ying 益:yi 道:dao 家:jia 利:li 投:tou "
    "富:fu 盈:ying 商:shang 云:yun 鑫汇:xinhui 心汇:xinhui 数贸:shumao 家联:jialian 心圆:xinyuan "
    "联惠:lianhui 财富:caifu 优品:youpin 生活:shenghuo 共享:gongxiang 天下:tianxia 国际:guoji"
)
_APP_SUFFIXES = ("商城", "平台", "APP", "优选", "生态", "云仓", "数字资产", "社区", "联盟", "商学院", "钱包", "矿池")
_SCHEME_DOMAINS = (
    "{}-vip.com",
    "{}.vip",
    "{}mall.com",
    "{}app.com",
    "{}888.com",
    "{}.top",
    "{}-global.com",
    "{}chain.io",
    "{}.cc",
    "{}66.net",
    "{}club.cn",
    "{}-dao.com",
)


def _scheme_trade_name(rng: random.Random) -> tuple[str, str]:
    if rng.random() < 0.15:
        return rng.choice(_SCHEME_FAMOUS)
    while True:
        parts = [rng.choice(_SCHEME_HEADS)]
        if rng.random() < 0.4:
            parts.append(rng.choice(_SCHEME_HEADS))
            parts.append(rng.choice([t for t in _SCHEME_TAILS if len(t[0]) == 1]))
        else:
            parts.append(rng.choice(_SCHEME_TAILS))
        name = "".join(c for c, _ in parts)
        if len(set(name)) == len(name):
            return name, "".join(p for _, p in parts)


# ---------------------------------------------------------------------------------------------------- texts
# Fragments are (text, keyword): the keyword occurs in the text. Placeholders: {n} {fee} {r} {layers}.

_VICTIM_FRAGMENTS = (
    ("对方说每推荐一个人注册就能拿{n}元直推奖", "直推奖"),
    ("要求我们不停发展下线，拉人头才能回本", "发展下线"),
    ("上线说下面每进来一个人都有见点奖", "见点奖"),
    ("推荐奖按人头算，拉的人越多拿的越多", "推荐奖"),
    ("让我把亲戚朋友都拉进来当下线，说这样才能升级", "下线"),
    ("注册要先交{fee}元入会费", "入会费"),
    ("账号要交{fee}元激活费才能激活", "激活费"),
    ("必须购买{fee}元的套餐成为代理才有收益", "成为代理"),
    ("每次报单{fee}元，报单越多级别越高", "报单"),
    ("交了{fee}元会员费说是终身VIP", "会员费"),
    ("奖金按层级拿，最多可以拿{layers}层", "层级"),
    ("说是双轨制，左右区对碰，对碰奖每天封顶{n}元", "对碰奖"),
    ("团队奖按小区业绩算，要求我们平衡左右区", "小区业绩"),
    ("上线按下线的业绩提成，层级越多拿得越多", "层级"),
    ("有层碰奖、量碰奖，天天开会讲奖金制度", "量碰"),
    ("宣传说是数字货币项目，买矿机挖矿稳赚不赔", "矿机"),
    ("说是区块链项目，平台发行的币只涨不跌", "区块链"),
    ("号称消费全返，消费多少返多少", "消费全返"),
    ("承诺每天{r}%的日息静态收益，出局后还要复投", "静态收益"),
    ("后来才知道是资金盘，拆东墙补西墙", "资金盘"),
    ("打着共同富裕、乡村振兴的旗号到处拉人", "共同富裕"),
    ("说是国家扶持的精准扶贫项目，有政府背书", "精准扶贫"),
    ("说是原始股，上市后能翻几十倍", "原始股"),
    ("让我们做任务赚钱，每天看广告点击就有收益", "做任务赚钱"),
    ("搞虚拟养殖，认养一只羊每天分红", "虚拟养殖"),
    ("自称是社交电商新零售模式，可以做区域代理", "社交电商"),
)
_PROMO_FRAGMENTS = (
    ("直推奖每人{n}元，多推多得", "直推奖"),
    ("发展下线无上限，躺赚被动收入", "发展下线"),
    ("见点奖{r}%，伞下每进一人都有收益", "见点奖"),
    ("推荐奖当天到账，拉人越多赚得越多", "推荐奖"),
    ("入会费仅需{fee}元，终身受益", "入会费"),
    ("缴纳{fee}元激活费即可开通账户", "激活费"),
    ("购买{fee}元套餐即可成为代理，享受全部奖励", "成为代理"),
    ("报单{fee}元起，级别越高奖励越多", "报单"),
    ("层级奖最高拿{layers}层", "层级"),
    ("双轨制对碰奖，左右区平衡天天拿钱", "对碰奖"),
    ("小区业绩达标即享团队奖", "团队奖"),
    ("量碰层碰双重奖励", "层碰"),
    ("数字货币矿机限量抢购，挖矿日产{n}枚", "矿机"),
    ("区块链赋能，平台币只涨不跌", "区块链"),
    ("消费全返，花多少返多少", "消费全返"),
    ("静态收益日息{r}%，出局自动复投", "日息"),
    ("动态收益加静态收益，月入过万不是梦", "动态收益"),
    ("响应共同富裕号召，助力乡村振兴", "乡村振兴"),
    ("国家扶持项目，精准扶贫，政府背书", "精准扶贫"),
    ("原始股内部认购，上市翻倍", "原始股"),
    ("网络兼职，做任务赚钱，日结", "网络兼职"),
    ("社交电商新零售，诚招区域代理", "区域代理"),
)
_OPENERS = (
    "{when}经{who}介绍，我在“{name}”注册了账号，",
    "本人于{when}通过微信群接触到{name}，",
    "{who}拉我加入{name}，",
    "我母亲在{name}投了{amount}元，",
    "{name}在我们小区开会宣传，",
    "{when}下载了{name}，",
)
_WHO = ("朋友", "同事", "亲戚", "老乡", "微信好友", "前同事", "邻居", "表姐")
_WHEN = ("上个月", "前段时间", "去年年底", "今年年初", "两个月前", "半年前")
_CLOSINGS = (
    "现在平台无法提现，客服联系不上。",
    "现在发现上当了，要求退还本金{amount}元。",
    "怀疑是传销，请求相关部门查处。",
    "身边已有几十人被骗，请尽快调查。",
    "APP突然打不开了，钱都取不出来。",
    "对方说要再交钱才能解冻账户，请求立案调查。",
)
_PROMO_TITLES = (
    "【{app}】重磅上线",
    "{trade}全球启动大会圆满成功",
    "加入{app}，实现财富自由",
    "{trade}最新奖金制度详解",
    "{trade}{city}市场说明会",
    "{app}：普通人翻身的最后机会",
    "{trade}三周年庆典",
    "{app}新人注册指南",
)
_PROMO_CALLS = ("", "咨询请加微信{wx}。", "扫码注册，邀请码{code}。", "名额有限，先到先得！", "详情私信。")
_PROMO_ACCOUNTS = (
    "{trade}官方",
    "{trade}{city}运营中心",
    "{app}",
    "财富自由{n}",
    "宝妈创业日记",
    "李姐带你赚钱",
    "{trade}服务中心",
    "致富经{n}",
)
_EXPOSE_TITLES = ("{trade}是不是传销？", "曝光{app}：无法提现", "{trade}涉嫌传销，大家小心", "关于{app}的维权帖")
_NICKS = (
    "小鱼儿",
    "快乐的风",
    "打工人日记",
    "北漂小张",
    "宝妈育儿记",
    "老李说事",
    "追梦人",
    "阳光少年",
    "财经观察员",
    "一只猫",
    "反传销志愿者",
    "维权群众",
    "消费者曝光台",
)
_PROMO_PLATFORMS = ("网站", "微信公众号", "抖音", "快手", "微博", "今日头条", "论坛")
_PROMO_PLATFORM_CUM = tuple(itertools.accumulate((30, 25, 15, 10, 10, 5, 5)))
_EXPOSE_PLATFORMS = ("百度贴吧", "论坛", "微博", "今日头条", "知乎")

# Ordinary complaints by topic. Placeholders: {name} {product} {defect} {n} {amount} {small}.
_TOPIC_COMPLAINTS = {
    "shop": (
        "在{name}购买的{product}收到后发现{defect}，要求退货退款，商家拒绝处理。",
        "网购{product}已付款{n}天仍未发货，联系客服一直推诿。",
        "店员推荐的{product}有质量问题，使用不到一周就坏了，要求退换。",
        "说好的购物返利积分一直未到账，客服称系统故障。",
        "商品页面宣传“买一送一”，实际收货只有一件，涉嫌虚假宣传。",
    ),
    "food": (
        "在{name}就餐后出现腹泻，怀疑食品不卫生，要求赔偿。",
        "办理的储值会员卡余额{amount}元，门店突然停业，要求退还余额。",
        "外卖中吃出异物，商家只同意赔偿{small}元。",
    ),
    "fitness": (
        "健身房会员到期不退费，剩余私教课{n}节要求退款被拒。",
        "办理健身年卡后门店搬迁，要求退卡退费，商家以会员卡不可转让为由拒绝。",
        "销售人员推荐购买私教课，承诺可随时退，现拒不退款。",
    ),
    "education": (
        "为孩子报名的培训课程机构停课，剩余课时费{amount}元不予退还。",
        "签约时承诺包过，考试未通过后拒绝按合同退费。",
        "会员卡退费难，机构要求扣除高额手续费。",
    ),
    "renovation": (
        "签订装修合同后施工方拖延工期{n}天，且擅自更换材料。",
        "装修完工后墙面开裂，对方拒绝保修。",
    ),
    "car": (
        "车辆保养后出现异响，店家拒绝免费维修。",
        "维修时被更换了非原厂配件，要求赔偿{amount}元。",
    ),
    "health": (
        "购买的保健品宣称能治疗高血压，涉嫌虚假宣传。",
        "店员推荐的理疗仪使用后无效，要求退款{amount}元。",
    ),
    "online": (
        "软件会员自动续费未提醒，扣款{small}元，要求退还。",
        "开通的会员服务无法使用，客服不处理。",
        "代理商承诺的推广效果未兑现，要求退还服务费{amount}元。",
    ),
    "logistics": (
        "快递显示已签收但本人未收到，{product}丢失，物流公司拒绝赔偿。",
        "托运的{product}运输途中损坏，要求赔偿。",
    ),
    "service": (
        "家政服务人员上门服务不到位，要求退还部分费用。",
        "预付的服务费{amount}元，商家未按约定提供服务。",
    ),
    "travel": (
        "报名的旅游团行程中被强制购物。",
        "旅行社临时取消行程，拒绝全额退款{amount}元。",
    ),
    "estate": (
        "中介隐瞒房屋重要信息，要求退还中介费。",
        "签订租赁合同后押金{amount}元不予退还。",
    ),
    "agency": (
        "加盟代理后总部承诺的区域保护未兑现，要求退还加盟费{amount}元。",
        "签约时承诺的服务内容与实际不符，要求解除合同。",
    ),
}
_PRODUCTS = ("手机", "羽绒服", "电饭煲", "运动鞋", "化妆品", "洗衣机", "笔记本电脑", "儿童玩具", "茶叶", "白酒", "空调")
_DEFECTS = ("屏幕有划痕", "尺码不符", "无法开机", "与描述不符", "是假冒产品", "有明显色差", "漏水", "包装破损")
_ORDINARY_CLOSINGS = ("", "请求市场监管部门协调处理。", "希望尽快解决。", "要求商家给个说法。")
_UNREGISTERED = (
    "{x}直播间",
    "抖音小店“{x}好物”",
    "微信卖家（微信号{wx}）",
    "{x}APP",
    "拼多多店铺“{x}旗舰店”",
    "快手主播{x}",
    "{x}国际",
    "{x}海外购",
)
_CHANNELS = ("全国12315平台", "12315热线", "12315微信小程序", "全国12315平台APP", "来信", "来访", "市长热线转办")

# Ordinary keyword hits: (title, content, keyword) or (title, content, keywords).
_NEWS = (
    (
        "警惕传销新变种",
        "{city}市场监管局提醒：以“消费全返”“日息”“静态收益”为噱头的平台多为传销或资金盘，请市民提高警惕。",
        ("消费全返", "日息", "静态收益", "传销", "资金盘"),
    ),
    (
        "反传销宣传进社区",
        "近日，{city}{district}开展“反传销宣传进社区”活动，向居民讲解拉人头、收取入门费、团队计酬等传销特征。",
        ("传销", "拉人头", "入门费", "团队计酬"),
    ),
    (
        "{city}开展打击传销专项行动",
        "{city}市场监管局联合公安部门开展打击传销专项行动，捣毁传销窝点{n}个，遣散参与人员{m}人。",
        ("传销",),
    ),
    (
        "以“数字货币”为名的传销骗局揭秘",
        "不法分子以数字货币、矿机挖矿为幌子，要求投资者发展下线，专家提醒谨防上当。",
        ("数字货币", "矿机", "发展下线"),
    ),
    (
        "防范非法集资宣传月启动",
        "{city}启动防范非法集资宣传月，提醒群众警惕资金盘、高额返利和所谓原始股。",
        ("资金盘", "原始股", "返利"),
    ),
)
_JOBS = (
    (
        "诚聘销售代表",
        "{co}诚聘销售代表，底薪{wage}元+提成，缴纳五险一金，员工内推入职满三个月发放推荐奖{n}元。",
        "推荐奖",
    ),
    ("招聘销售主管", "{co}招聘销售主管，负责带领销售团队，月度团队奖按部门业绩发放。", "团队奖"),
    ("诚招区域代理", "{co}诚招区域代理，无加盟费，提供培训和物料支持。", "区域代理"),
    ("招聘网络客服", "{co}招聘网络兼职客服，在家办公，时间自由，按小时结算。", "网络兼职"),
)
_SHOP_PROMOS = (
    ("会员日全场八折", "{co}会员日全场八折，消费满{m}元返利{n}元购物券，积分可抵现。", "返利"),
    ("开通年度会员享包邮", "{co}开通年度会员（会员费{n}元/年），全年包邮并享专属折扣。", "会员费"),
    ("预售开启", "{co}预售开启，付定金享消费返利，前{m}名下单再送好礼。", "消费返利"),
    ("推荐好友得红包", "{co}新用户注册即送{n}元优惠券，推荐好友下单各得红包，推荐奖励实时到账。", "推荐"),
    ("品牌直销店开业", "{co}品牌直销店盛大开业，厂家直销，全场{n}元起。", "直销"),
)
_POLICY = (
    ("数字人民币试点扩大", "数字人民币试点范围扩大，央行数字货币应用场景持续丰富。", ("数字货币",)),
    ("区块链助力农产品溯源", "{city}利用区块链技术实现农产品溯源，助力乡村振兴。", ("区块链", "乡村振兴")),
    ("{city}推进共同富裕", "{city}发布推进共同富裕十项惠民举措，涉及就业、教育、医疗等方面。", ("共同富裕",)),
    ("直销企业规范经营座谈会", "{city}市场监管局召开直销企业规范经营座谈会，要求持牌直销企业依法经营。", ("直销",)),
)
_CHATTER = (
    ("健身房会员到期不给退怎么办", "办了两年的健身房会员到期，剩下的私教课不给退，大家有遇到过吗？", "会员"),
    ("做微商代理靠谱吗", "朋友拉我做某品牌微商代理，要先拿货，大家怎么看？", "代理"),
    ("小区超市办会员卡", "小区门口新开的超市办会员卡送鸡蛋，还有消费返利，值不值得办？", "消费返利"),
    ("公司内推奖励什么时候发", "推荐朋友入职已经三个月了，推荐奖还没发，HR说要等季度末。", "推荐奖"),
    ("理财收益靠谱吗", "有个理财说日息千分之五，感觉不太靠谱，大家帮忙看看。", "日息"),
)
_NEWS_PLATFORMS = ("网站", "微信公众号", "今日头条", "微博")
_JOB_PLATFORMS = ("58同城", "BOSS直聘", "智联招聘", "微信公众号")
_SHOP_PLATFORMS = ("抖音", "快手", "小红书", "微博", "淘宝", "京东", "拼多多")
_CHAT_PLATFORMS = ("百度贴吧", "论坛", "知乎", "小红书", "微博")
_FORUMS = ("tianya.cn", "19lou.com", "mop.com", "kdslife.com", "hupu.com")

_URLS: dict[str, Callable[[random.Random], str]] = {
    "微博": lambda r: f"https://weibo.com/{r.randrange(10**9, 8 * 10**9)}/{_token(r, 9)}",
    "微信公众号": lambda r: f"https://mp.weixin.qq.com/s/{_token(r, 22)}",
    "抖音": lambda r: f"https://www.douyin.com/video/{r.randrange(7 * 10**18, 8 * 10**18)}",
    "快手": lambda r: f"https://www.kuaishou.com/short-video/3x{_token(r, 13, '0123456789abcdefghjkmnpqrstuvwxyz')}",
    "百度贴吧": lambda r: f"https://tieba.baidu.com/p/{r.randrange(7 * 10**9, 9 * 10**9)}",
    "今日头条": lambda r: f"https://www.toutiao.com/article/{r.randrange(7 * 10**18, 8 * 10**18)}/",
    "小红书": lambda r: f"https://www.xiaohongshu.com/explore/{r.getrandbits(96):024x}",
    "知乎": lambda r: f"https://zhuanlan.zhihu.com/p/{r.randrange(10**8, 10**9)}",
    "论坛": lambda r: f"https://bbs.{r.choice(_FORUMS)}/thread-{r.randrange(10**6, 10**7)}-1-1.html",
    "58同城": lambda r: f"https://bj.58.com/xiaoshou/{r.randrange(4 * 10**13, 5 * 10**13)}x.shtml",
    "BOSS直聘": lambda r: f"https://www.zhipin.com/job_detail/{_token(r, 24)}.html",
    "智联招聘": lambda r: f"https://jobs.zhaopin.com/CC{r.randrange(10**9, 10**10)}J{r.randrange(10**13, 10**14)}.htm",
    "淘宝": lambda r: f"https://item.taobao.com/item.htm?id={r.randrange(6 * 10**11, 8 * 10**11)}",
    "京东": lambda r: f"https://item.jd.com/{r.randrange(10**10, 10**11)}.html",
    "拼多多": lambda r: f"https://mobile.yangkeduo.com/goods.html?goods_id={r.randrange(10**11, 10**12)}",
}

_HOUR_CUM = tuple(itertools.accumulate((1, 1, 1, 1, 1, 1, 2, 4, 7, 10, 11, 11, 9, 10, 11, 11, 10, 9, 8, 8, 7, 6, 4, 2)))

# ---------------------------------------------------------------------------------------------------- the world


@dataclass(frozen=True)
class Scale:
    """Daily volumes of one scale and the pace and reach of planted schemes."""

    registrations: int
    complaints: int
    icp_filings: int
    keyword_hits: int
    scheme_every: float  # days between scheme starts
    complaint_peak: float  # complaints a day about one grown scheme
    hit_peak: float  # keyword hits a day about one grown scheme
    redeliver: bool  # deliver one earlier ticket again every 15 days


SCALES = {
    "demo": Scale(120, 90, 10, 250, 4.0, 1.2, 4.0, True),
    "province": Scale(4500, 4000, 100, 25000, 1.0, 4.0, 40.0, False),
    "national": Scale(90000, 80000, 2000, 500000, 0.25, 13.0, 120.0, False),
}
EPOCH = date(2020, 1, 1)  # scheme 0 starts within scheme_every days of this date


@dataclass(frozen=True, slots=True)
class Company:
    """One registered entity and everything records about it may show."""

    uscc: str
    name: str
    short: str  # the name without region or form, as people say it
    trade_name: str
    pinyin: str  # of the trade name, for domains; empty where none fits
    industry: Industry
    region: Region
    legal_rep: str
    legal_rep_id: str
    phone: str
    email: str
    address: str
    reg_capital: float | None
    established: date
    entity_type: str
    registered: date
    scheme_id: str = ""


@dataclass(frozen=True)
class Filing:
    """An ICP filing, the date it is delivered and the USCC of its sponsor (empty for persons)."""

    delivered: date
    values: dict[str, object]
    sponsor_uscc: str


@dataclass(frozen=True)
class Scheme:
    """A planted pyramid scheme: its shells, sites, activity window and disposal."""

    scheme_id: str
    start: date
    trade_name: str
    app_name: str
    domains: tuple[str, ...]
    server_ip: str
    shells: tuple[Company, ...]
    filings: tuple[Filing, ...]
    last_day: int
    disposals: tuple[dict[str, object], ...]
    disposal_delivered: date | None

    def sponsor(self, domain: str) -> str:
        """The USCC of the shell that filed the domain, or empty."""
        return next((f.sponsor_uscc for f in self.filings if f.values["domain"] == domain), "")


@dataclass(slots=True)
class Record:
    """One landing row (canonical names, typed values, None for empty) and its ground-truth row."""

    values: dict[str, object]
    truth: tuple[str, ...] = ()
    malformed: str = ""


class World:
    """The sample world of one seed and scale: every fact is a pure function of them."""

    def __init__(self, seed: int, scale: Scale) -> None:
        self.seed = seed
        self.scale = scale
        self._schemes: dict[int, Scheme] = {}
        self._counts: dict[tuple[str, date], int] = {}

    def rng(self, *parts: object) -> random.Random:
        return random.Random(":".join(str(p) for p in (self.seed, *parts)))

    def count(self, source: str, d: date) -> int:
        """Ordinary rows of a source on a date: the scale's volume ±10 %."""
        key = (source, d)
        if key not in self._counts:
            base = getattr(self.scale, source)
            self._counts[key] = round(base * (0.9 + 0.2 * self.rng("count", source, d).random()))
        return self._counts[key]

    def company(self, d: date, i: int) -> Company:
        """Registration i of date d: a company, individual business, farmers' co-operative or partnership."""
        rng = self.rng("company", d, i)
        region = rng.choices(REGIONS, cum_weights=_REGION_CUM)[0]
        trade, pinyin = _trade_name(rng)
        r = rng.random()
        capital: float | None
        if r < 0.10:
            industry = rng.choice(SHOP_TYPES)
            if rng.random() < 0.3:
                trade, pinyin = rng.choice(_SURNAMES) + "记", ""
            head, entity_type, short = "92", "个体工商户", trade + industry.name
            name = region.city + region.district + short
            capital = rng.choice((None, 1.0, 3.0, 5.0, 10.0))
        elif r < 0.12:
            industry = rng.choice(COOP_TYPES)
            head, entity_type, short = "93", "农民专业合作社", f"{trade}{industry.name}专业合作社"
            name = region.prefix + short
            capital = float(rng.choice((50, 100, 200, 500)))
        else:
            partnership = r < 0.15
            industry = rng.choice(PARTNERSHIP_TYPES if partnership else INDUSTRIES)
            if partnership:
                form, entity_type = rng.choice(("合伙企业（有限合伙）", "中心（有限合伙）")), "有限合伙企业"
            else:
                form = rng.choices(_COMPANY_FORMS, weights=(75, 20, 5))[0]
                entity_type = rng.choice(_COMPANY_TYPES[form])
            head, short = "91", trade + industry.name + form
            name = _styled_name(rng, region, trade, industry.name, form)
            capital = float(rng.choice((10, 30, 50, 100, 100, 200, 300, 500, 1000, 5000)))
        return Company(
            uscc=make_uscc(head, region.code, _org_body((d.toordinal() - _ORD_BASE) * 200_000 + i)),
            name=name,
            short=short,
            trade_name=trade,
            pinyin=pinyin,
            industry=industry,
            region=region,
            legal_rep=person(rng),
            legal_rep_id=resident_id(rng) if rng.random() < 0.92 else "",
            phone=mobile(rng) if rng.random() < 0.95 else "",
            email=email(rng) if rng.random() < 0.7 else "",
            address=address(rng, region),
            reg_capital=capital,
            established=d - timedelta(days=rng.choice((0, 0, 0, 1, 2))),
            entity_type=entity_type,
            registered=d,
        )

    def earlier_company(self, rng: random.Random, d: date, days: int = 180) -> Company:
        """A company registered in the `days` before d."""
        day = d - timedelta(days=rng.randint(1, days))
        return self.company(day, rng.randrange(self.count("registrations", day)))

    def scheme_start(self, k: int) -> date:
        """The start of scheme k: within [k, k + 1) * scheme_every days after EPOCH."""
        u = self.rng("scheme-start", k).random()
        return EPOCH + timedelta(days=math.floor((k + u) * self.scale.scheme_every))

    def schemes_started(self, first: date, last: date) -> list[Scheme]:
        """The schemes that start in [first, last], in order."""
        every = self.scale.scheme_every
        lo = math.floor((first - EPOCH).days / every) - 1
        hi = math.ceil((last - EPOCH).days / every) + 1
        return [self.scheme(k) for k in range(lo, hi + 1) if first <= self.scheme_start(k) <= last]

    def active(self, d: date) -> list[Scheme]:
        """Schemes that draw complaints and hits on d."""
        return [
            s
            for s in self.schemes_started(d - timedelta(days=75), d - timedelta(days=3))
            if (d - s.start).days <= s.last_day
        ]

    def scheme(self, k: int) -> Scheme:
        """Scheme k: shells in several cities sharing people and contacts, filed sites, disposal."""
        if k in self._schemes:
            return self._schemes[k]
        rng = self.rng("scheme", k)
        start, scheme_id = self.scheme_start(k), f"S{k:05d}"
        trade, pinyin = _scheme_trade_name(rng)
        app = trade + rng.choice(_APP_SUFFIXES)
        domains = tuple(p.format(pinyin) for p in rng.sample(_SCHEME_DOMAINS, rng.randint(1, 3)))
        server_ip = _ip(rng, _OFFSHORE_IPS)
        boss, boss_id, phone = person(rng), resident_id(rng), mobile(rng)
        mail = rng.choice((f"{pinyin}{rng.randrange(100)}@163.com", f"kefu@{domains[0]}", email(rng)))
        m = rng.randint(2, 6)
        regions: list[Region] = []
        while len(regions) < m:
            region = rng.choices(REGIONS, cum_weights=_SCHEME_REGION_CUM)[0]
            if all(region.city != other.city for other in regions):
                regions.append(region)
        if m >= 3 and rng.random() < 0.3:  # a twin shell at the same address as the first
            regions[-1] = regions[0]
        industries = rng.sample(SCHEME_INDUSTRIES, m)
        office = address(rng, regions[0])
        shells: list[Company] = []
        for j, (region, industry) in enumerate(zip(regions, industries, strict=True)):
            registered = start + timedelta(days=0 if j == 0 else rng.randint(0, 6))
            form = rng.choices(_COMPANY_FORMS, weights=(75, 15, 10))[0]
            # which of boss, phone, e-mail and office the shell takes over from the first shell
            shares = [
                j == 0 or rng.random() < 0.5,
                j == 0 or rng.random() < 0.6,
                j == 0 or rng.random() < 0.5,
                region is regions[0],
            ]
            if j == 1 and not any(shares):
                shares[0] = True
            shells.append(
                Company(
                    uscc=make_uscc("91", region.code, _org_body(_SHELL_BASE + k * 8 + j)),
                    name=_styled_name(rng, region, trade, industry.name, form, bracket=0.4),
                    short=trade + industry.name + form,
                    trade_name=trade,
                    pinyin=pinyin,
                    industry=industry,
                    region=region,
                    legal_rep=boss if shares[0] else person(rng),
                    legal_rep_id=boss_id if shares[0] else resident_id(rng),
                    phone=phone if shares[1] else mobile(rng),
                    email=mail if shares[2] else email(rng),
                    address=office if shares[3] else address(rng, region),
                    reg_capital=float(rng.choice((1000, 2000, 5000, 10000, 50000))),
                    established=registered - timedelta(days=rng.choice((0, 0, 1, 2))),
                    entity_type=rng.choice(_COMPANY_TYPES[form]),
                    registered=registered,
                    scheme_id=scheme_id,
                )
            )
        filings = tuple(
            _scheme_filing(rng, k, f, domain, app, server_ip, start, shells, boss) for f, domain in enumerate(domains)
        )
        disposals: tuple[dict[str, object], ...] = ()
        delivered = None
        if rng.random() < 0.7:
            acted = start + timedelta(days=rng.randint(20, 40))
            delivered = acted + timedelta(days=rng.randint(0, 3))
            main = rng.choices(("约谈", "告诫", "列入经营异常", "行政处罚", "移送公安"), weights=(2, 2, 2, 3, 2))[0]
            actions = [main] + [rng.choice((main, "列入经营异常", "约谈", "告诫")) for _ in shells[1:]]
            targets = list(zip(shells, actions, strict=True))
            if rng.random() < 0.3:
                targets.append((shells[0], "名称限制"))
            disposals = tuple(_disposal(rng, c, action, acted, app) for c, action in targets)
        scheme = Scheme(
            scheme_id,
            start,
            trade,
            app,
            domains,
            server_ip,
            tuple(shells),
            filings,
            rng.randint(45, 75),
            disposals,
            delivered,
        )
        self._schemes[k] = scheme
        return scheme


def _scheme_filing(
    rng: random.Random,
    k: int,
    f: int,
    domain: str,
    app: str,
    server_ip: str,
    start: date,
    shells: list[Company],
    boss: str,
) -> Filing:
    """Filing f of scheme k, sponsored by a shell registered by then or by the boss in person."""
    approved = start + timedelta(days=rng.randint(2, 8))
    delivered = approved + timedelta(days=rng.randint(0, 2))
    if rng.random() < 0.75:
        c = rng.choice([c for c in shells if c.registered <= approved])
        sponsor, nature, uscc, region = c.name, "企业", c.uscc, c.region
    else:
        sponsor, nature, uscc, region = boss, "个人", "", shells[0].region
    values: dict[str, object] = {
        "site_license": _site_license(region.icp, str(delivered.year), delivered, 2200 + (k * 3 + f) % 200, 1),
        "sponsor_name": sponsor,
        "sponsor_nature": nature,
        "sponsor_uscc": uscc or None,
        "site_name": rng.choice((app, f"{app}官网", app.removesuffix("APP") + "平台")),
        "domain": domain,
        "home_url": f"https://www.{domain}/",
        "approved_date": approved,
        "server_ip": server_ip,
        "access_provider": rng.choice(("西部数码", "新网", "阿里云", "腾讯云")),
    }
    return Filing(delivered, values, uscc)


def _styled_name(
    rng: random.Random, region: Region, trade: str, industry: str, form: str, bracket: float = 0.18
) -> str:
    """行政区划 + 字号 + 行业 + 组织形式, or the region in brackets after the trade name, or no region."""
    r = rng.random()
    if r < bracket:
        opening, closing = ("(", ")") if rng.random() < 0.1 else ("（", "）")
        return f"{trade}{opening}{region.short}{closing}{industry}{form}"
    if r < bracket + 0.06:
        return trade + industry + form
    return region.prefix + trade + industry + form


def _site_license(icp: str, year: str, d: date, index: int, n: int) -> str:
    """A website filing number, distinct for every (province, year, day of d's year, index < 2400)."""
    seq = ((d.timetuple().tm_yday * 2400 + index) * 7919 + 104_729) % 1_000_000
    return f"{icp}ICP备{year}{seq:06d}号-{n}"


_DISPOSAL_NOTES = {
    "约谈": "已约谈法定代表人，责令停止以“{app}”名义发展会员",
    "告诫": "已发出行政告诫书，责令整改会员计酬制度",
    "列入经营异常": "通过登记的住所无法联系，列入经营异常名录",
    "行政处罚": "经查，该公司通过“{app}”收取入会费并按发展人员数量计酬，已作出行政处罚",
    "移送公安": "涉嫌组织、领导传销活动罪，已移送公安机关",
    "名称限制": "将字号列入企业名称登记限制名单",
    "核查无问题": "经核查，未发现传销行为",
    "提醒": "已提醒规范会员营销宣传用语",
}


def _disposal(rng: random.Random, c: Company, action: str, acted: date, app: str) -> dict[str, object]:
    unit = c.region.city + (c.region.district if rng.random() < 0.4 else "") + "市场监督管理局"
    fine = float(rng.choice((50000, 100000, 200000, 500000, 1000000))) if action == "行政处罚" else None
    return {
        "lead_id": None,
        "uscc": c.uscc,
        "action": action,
        "action_date": acted,
        "unit": unit,
        "fine_amount": fine,
        "note": _DISPOSAL_NOTES[action].format(app=app),
    }


# ---------------------------------------------------------------------------------------------------- naming


def _swap_brackets(name: str) -> str | None:
    if "（" in name:
        return name.replace("（", "(").replace("）", ")")
    if "(" in name:
        return name.replace("(", "（").replace(")", "）")
    return None


_NAMINGS = ("full_name", "bracket_variant", "short_name", "trade_name", "trade_name_region", "app_name", "domain")


def _named(rng: random.Random, c: Company, scheme: Scheme | None) -> tuple[str, str, str]:
    """How people name a company (or its scheme): (named_by, text, USCC of the one company it points at)."""
    weights = (20, 8, 10, 25, 12, 15, 10) if scheme else (55, 6, 18, 16, 5, 0, 0)
    named_by = rng.choices(_NAMINGS, weights=weights)[0]
    swapped = _swap_brackets(c.name)
    if named_by == "bracket_variant" and swapped:
        return named_by, swapped, c.uscc
    if named_by in ("full_name", "bracket_variant"):
        return "full_name", c.name, c.uscc
    if named_by == "short_name":
        return named_by, c.short if rng.random() < 0.7 else c.name.removesuffix("有限公司"), c.uscc
    if named_by == "trade_name":
        suffix = rng.choice(("", "", "公司", "集团")) if scheme else rng.choice(("", "公司", c.industry.name))
        return named_by, c.trade_name + suffix, "" if scheme else c.uscc
    if named_by == "trade_name_region":
        city, trade = c.region.short, c.trade_name
        return named_by, rng.choice((city + trade, f"{trade}（{city}）", f"{trade}{city}分公司")), c.uscc
    if named_by == "app_name" and scheme:
        return named_by, rng.choice((scheme.app_name, f"“{scheme.app_name}”平台", scheme.app_name + "APP")), ""
    assert scheme, "ordinary companies are never named by app or domain"
    domain = rng.choice(scheme.domains)
    return "domain", rng.choice((domain, "www." + domain, domain + "网站")), scheme.sponsor(domain)


def _uscc_as_written(rng: random.Random, code: str) -> str:
    """A USCC as complainants type it: as is, lower case, or with spaces."""
    r = rng.random()
    if r < 0.7:
        return code
    if r < 0.85:
        return code.lower()
    return f"{code[:2]} {code[2:8]} {code[8:17]} {code[17]}"


def _numbers(rng: random.Random) -> dict[str, object]:
    """Values for the placeholders of texts."""
    return {
        "n": rng.choice((10, 20, 50, 100, 200, 300, 500)),
        "m": rng.randint(20, 800),
        "fee": rng.choice((99, 365, 398, 599, 980, 1980, 2980, 3980, 6800, 9800, 19800)),
        "r": rng.choice(("0.5", "0.8", "1", "1.5", "2", "3")),
        "layers": rng.randint(5, 30),
        "wage": rng.choice((3000, 3500, 4000, 5000, 6000)),
        "amount": rng.choice((2000, 5000, 8800, 12000, 30000, 50000)),
        "small": rng.choice((20, 30, 50, 88, 128)),
        "wx": f"{_token(rng, rng.randint(3, 5), _LETTERS)}{rng.randrange(100, 10**6)}",
        "code": rng.randrange(100000, 999999),
        "product": rng.choice(_PRODUCTS),
        "defect": rng.choice(_DEFECTS),
        "who": rng.choice(_WHO),
        "when": rng.choice(_WHEN),
    }


def _bad_date(rng: random.Random, d: date) -> str:
    return rng.choice((f"{d.year}-13-45", "昨天", f"{d.year}/2/30", "0000-00-00"))


def _blank(rng: random.Random) -> str:
    return rng.choice(("", " ", "  "))


def _day_times(rng: random.Random, d: date, n: int) -> list[datetime]:
    """n sorted moments of day d, busier by day than by night."""
    hours = rng.choices(range(24), cum_weights=_HOUR_CUM, k=n)
    base = datetime(d.year, d.month, d.day)
    return [base + timedelta(seconds=s) for s in sorted(h * 3600 + rng.randrange(3600) for h in hours)]


def _volume(rng: random.Random, scheme: Scheme, d: date, peak: float) -> int:
    """Records about a scheme on d: growing from day 3 to the peak at day 42."""
    lam = peak * min(1.0, ((d - scheme.start).days - 2) / 40) * (0.6 + 0.8 * rng.random())
    return int(lam) + (rng.random() < lam - int(lam))


# ---------------------------------------------------------------------------------------------------- sources
# Each returns the number of rows and their records, generated lazily in file order.

Rows = tuple[int, Iterator[Record]]


def _registrations(w: World, d: date) -> Rows:
    rng = w.rng("registrations", d)
    shells = [c for s in w.schemes_started(d - timedelta(days=6), d) for c in s.shells if c.registered == d]
    plan: list[int | Company] = [*range(w.count("registrations", d)), *shells]
    rng.shuffle(plan)

    def records() -> Iterator[Record]:
        for p in plan:
            c = w.company(d, p) if isinstance(p, int) else p
            values: dict[str, object] = {
                "uscc": c.uscc,
                "name": c.name,
                "legal_rep": c.legal_rep,
                "legal_rep_id": c.legal_rep_id or None,
                "reg_capital": c.reg_capital,
                "established_date": c.established,
                "address": c.address,
                "region_code": c.region.code,
                "business_scope": c.industry.business_scope,
                "entity_type": c.entity_type,
                "status": "存续",
                "phone": c.phone or None,
                "email": c.email or None,
                "event": "设立",
                "event_date": d,
            }
            malformed = ""
            if not c.scheme_id and rng.random() < 0.01:
                malformed = rng.choice(("bad_uscc_check", "bad_date", "missing_required"))
                if malformed == "bad_uscc_check":
                    values["uscc"] = bad_check(c.uscc)
                elif malformed == "bad_date":
                    values["established_date"] = _bad_date(rng, d)
                else:
                    values["name"] = _blank(rng)
            truth = (c.uscc, c.name, c.trade_name, c.scheme_id, d.isoformat(), malformed)
            yield Record(values, truth, malformed)

    return len(plan), records()


def _icp_filings(w: World, d: date) -> Rows:
    rng = w.rng("icp_filings", d)
    filings = [
        f
        for s in w.schemes_started(d - timedelta(days=10), d - timedelta(days=2))
        for f in s.filings
        if f.delivered == d
    ]
    plan: list[int | Filing] = [*range(w.count("icp_filings", d)), *filings]
    rng.shuffle(plan)

    def records() -> Iterator[Record]:
        for p in plan:
            yield Record(_ordinary_filing(rng, w, d, p) if isinstance(p, int) else p.values)

    return len(plan), records()


_INSTITUTIONS = (
    ("事业单位", "12", ("第一人民医院", "图书馆", "职业技术学院", "疾病预防控制中心", "博物馆")),
    ("社会团体", "51", ("电子商务协会", "个体劳动者协会", "消费者协会", "餐饮行业协会")),
    ("政府机关", "11", ("人民政府办公室", "市场监督管理局", "人力资源和社会保障局")),
)


def _ordinary_filing(rng: random.Random, w: World, d: date, i: int) -> dict[str, object]:
    approved = d - timedelta(days=rng.choice((0, 0, 1, 1, 2, 3)))
    r = rng.random()
    c = w.earlier_company(rng, d, 120) if r < 0.82 else None
    sponsor_uscc: str | None = None
    if c and c.pinyin and c.entity_type not in ("个体工商户", "农民专业合作社"):
        region, sponsor, nature, sponsor_uscc = c.region, c.name, "企业", c.uscc
        site = rng.choice((f"{c.trade_name}官网", c.short, f"{c.trade_name}{c.industry.name}", f"{c.trade_name}商城"))
        word = rng.choice(("", "", "tech", "group", "keji", "shop", "china", "88"))
        domain = f"{c.pinyin}{word}.{rng.choice(('com', 'com', 'cn', 'com.cn', 'net', 'top', 'vip'))}"
    elif r < 0.95:  # a person, also where an individual business files
        region = rng.choices(REGIONS, cum_weights=_REGION_CUM)[0]
        sponsor, nature = person(rng), "个人"
        site = rng.choice((f"{sponsor}的博客", "个人技术笔记", "摄影作品展示", "学习资料分享", "旅行日记"))
        syllables = "".join(p for _, p in rng.sample(_ZIHAO, 2))
        number = rng.choice(("", str(rng.randrange(100))))
        domain = f"{syllables}{number}.{rng.choice(('com', 'cn', 'top', 'net', 'xyz'))}"
    else:
        region = rng.choices(REGIONS, cum_weights=_REGION_CUM)[0]
        nature, head, names = rng.choice(_INSTITUTIONS)
        sponsor = region.city + rng.choice(names)
        sponsor_uscc = make_uscc(head, region.code, f"{rng.randrange(10**8):08d}")
        site = sponsor + "网站"
        gov = "gov.cn" if nature == "政府机关" else "org.cn"
        domain = f"{_token(rng, rng.randint(3, 6), _LETTERS)}.{region.pinyin}.{gov}"
    if rng.random() < 0.1:  # another site of a sponsor filed years ago: 8 digits starting with the year
        licence = _site_license(region.icp, f"{15 + d.year % 5}", d, i, rng.randint(2, 5))
    else:
        licence = _site_license(region.icp, str(d.year), d, i, 1)
    return {
        "site_license": licence,
        "sponsor_name": sponsor,
        "sponsor_nature": nature,
        "sponsor_uscc": sponsor_uscc,
        "site_name": site,
        "domain": domain,
        "home_url": rng.choices((f"https://www.{domain}", f"http://{domain}/", None), weights=(60, 25, 15))[0],
        "approved_date": approved,
        "server_ip": _ip(rng, _CLOUD_IPS) if rng.random() < 0.9 else None,
        "access_provider": rng.choice(_PROVIDERS),
    }


def _complaints(w: World, d: date) -> Rows:
    rng = w.rng("complaints", d)
    plan: list[Scheme | None] = [s for s in w.active(d) for _ in range(_volume(rng, s, d, w.scale.complaint_peak))]
    plan += [None] * max(w.count("complaints", d) - len(plan), 0)
    rng.shuffle(plan)
    times = _day_times(rng, d, len(plan))
    redelivery = _redelivery(w, d)

    def records() -> Iterator[Record]:
        for i, (s, at) in enumerate(zip(plan, times, strict=True)):
            ticket = f"TS{d:%Y%m%d}{i:06d}"
            yield _scheme_complaint(rng, s, d, at, ticket) if s else _ordinary_complaint(rng, w, d, at, ticket)
        if redelivery:
            yield redelivery

    return len(plan) + bool(redelivery), records()


def _redelivery(w: World, d: date) -> Record | None:
    """At demo scale, every 15th day: a valid ticket of one of the 7 days before, delivered again."""
    if not w.scale.redeliver or d.toordinal() % 15 != w.rng("redelivery").randrange(15):
        return None
    rng = w.rng("redelivery", d)
    first = d - timedelta(days=rng.randint(1, 7))
    _, records = _complaints(w, first)
    original = rng.choice([r for r in records if not r.malformed and not r.truth[5]])
    return Record(original.values, (*original.truth[:5], first.isoformat()))


def _complainant(rng: random.Random, region: Region) -> dict[str, object]:
    return {
        "complainant_name": person(rng),
        "complainant_phone": mobile(rng),
        "complainant_region": region.code,
        "channel": rng.choice(_CHANNELS),
    }


def _scheme_complaint(rng: random.Random, s: Scheme, d: date, at: datetime, ticket: str) -> Record:
    c = rng.choice([c for c in s.shells if c.registered <= d])
    named_by, target, true_uscc = _named(rng, c, s)
    nums = _numbers(rng)
    nums["name"] = target
    nums["amount"] = (
        rng.choice((980, 1980, 2980, 3980, 6800, 9800, 19800, 29800, 50000, 100000))
        if rng.random() < 0.6
        else rng.randint(10, 2000) * 100
    )
    fragments = rng.sample(_VICTIM_FRAGMENTS, rng.randint(1, 3))
    description = rng.choice(_OPENERS) + "，".join(f for f, _ in fragments) + "。" + rng.choice(_CLOSINGS)
    target_uscc = _uscc_as_written(rng, c.uscc) if rng.random() < 0.2 else None
    url = None
    if named_by in ("domain", "app_name") or rng.random() < 0.4:
        domain = rng.choice(s.domains)
        url = rng.choice((f"https://www.{domain}", domain, f"http://m.{domain}/reg?code={nums['code']}", s.app_name))
    kind = rng.choices(("举报", "投诉", "咨询"), weights=(55, 40, 5))[0]
    values: dict[str, object] = {
        "ticket_id": ticket,
        "received_at": at,
        "kind": kind,
        "target_name": target,
        "target_uscc": target_uscc,
        "target_address": c.address if rng.random() < 0.2 else None,
        "target_url": url,
        "description": description.format(**nums),
        "amount": float(nums["amount"]) if kind != "咨询" else None,
        **_complainant(rng, rng.choice(REGIONS)),
    }
    truth = (ticket, c.uscc if target_uscc else true_uscc, s.scheme_id, "", named_by, "")
    return Record(values, truth)


def _ordinary_complaint(rng: random.Random, w: World, d: date, at: datetime, ticket: str) -> Record:
    nums = _numbers(rng)
    c: Company | None = None
    if rng.random() < 0.06:
        named_by, true_uscc = "unregistered", ""
        x = "".join(ch for ch, _ in rng.sample(_ZIHAO, 2))
        target = rng.choice(_UNREGISTERED).format(x=x, wx=nums["wx"])
        body = rng.choice(_TOPIC_COMPLAINTS[rng.choice(("shop", "online", "health"))])
        region = rng.choice(REGIONS)
    else:
        c = w.earlier_company(rng, d)
        named_by, target, true_uscc = _named(rng, c, None)
        body = rng.choice(_TOPIC_COMPLAINTS[c.industry.topic])
        region = c.region if rng.random() < 0.7 else rng.choice(REGIONS)
    nums["name"] = target
    bought = at - timedelta(days=rng.randint(1, 60))
    description = (
        ("" if rng.random() < 0.5 else f"{bought.month}月{bought.day}日，") + body + rng.choice(_ORDINARY_CLOSINGS)
    )
    kind = rng.choices(("投诉", "咨询", "举报"), weights=(78, 12, 10))[0]
    amount = round(rng.uniform(20, 20000), rng.choice((0, 2))) if kind == "投诉" and rng.random() < 0.8 else None
    values: dict[str, object] = {
        "ticket_id": ticket,
        "received_at": at,
        "kind": kind,
        "target_name": target,
        "target_uscc": _uscc_as_written(rng, c.uscc) if c and rng.random() < 0.15 else None,
        "target_address": c.address if c and rng.random() < 0.4 else None,
        "target_url": rng.choice((f"https://shop{rng.randrange(10**8)}.taobao.com", f"{target}小程序"))
        if rng.random() < 0.1
        else None,
        "description": description.format(**nums),
        "amount": amount,
        **_complainant(rng, region),
    }
    malformed = ""
    if rng.random() < 0.01:
        malformed = rng.choice(("bad_uscc_check", "bad_date", "missing_required"))
        if malformed == "bad_uscc_check" and c:
            values["target_uscc"] = bad_check(c.uscc)
        elif malformed == "missing_required":
            values[rng.choice(("target_name", "description"))] = _blank(rng)
        else:
            malformed = "bad_date"
            values["received_at"] = _bad_date(rng, d)
    if c and values["target_uscc"]:
        true_uscc = c.uscc
    return Record(values, (ticket, true_uscc, "", malformed, named_by, ""), malformed)


def _keyword_hits(w: World, d: date) -> Rows:
    rng = w.rng("keyword_hits", d)
    plan: list[Scheme | None] = [s for s in w.active(d) for _ in range(_volume(rng, s, d, w.scale.hit_peak))]
    plan += [None] * max(w.count("keyword_hits", d) - len(plan), 0)
    rng.shuffle(plan)
    times = _day_times(rng, d, len(plan))

    def records() -> Iterator[Record]:
        for i, (s, at) in enumerate(zip(plan, times, strict=True)):
            values, true_uscc, named_by = _scheme_hit(rng, s, d) if s else _ordinary_hit(rng, w, d)
            hit_id = f"KW{d:%Y%m%d}{i:07d}"
            values.update(hit_id=hit_id, captured_at=at)
            reads = int(rng.paretovariate(1.1) * 30)
            if rng.random() < 0.9:
                values.update(reads=reads, shares=int(reads * rng.random() * 0.05))
            malformed = ""
            if not s and rng.random() < 0.01:
                malformed = rng.choice(("bad_date", "missing_required"))
                if malformed == "bad_date":
                    values["captured_at"] = _bad_date(rng, d)
                else:
                    values["content"] = _blank(rng)
            scheme_id = s.scheme_id if s else ""
            yield Record(values, (hit_id, true_uscc, scheme_id, malformed, named_by), malformed)

    return len(plan), records()


def _scheme_hit(rng: random.Random, s: Scheme, d: date) -> tuple[dict[str, object], str, str]:
    c = rng.choice([c for c in s.shells if c.registered <= d])
    nums = _numbers(rng)
    fields = {"trade": s.trade_name, "app": s.app_name, "city": c.region.short, **nums}
    if rng.random() < 0.7:
        platform = rng.choices(_PROMO_PLATFORMS, cum_weights=_PROMO_PLATFORM_CUM)[0]
        fragments = rng.sample(_PROMO_FRAGMENTS, rng.randint(2, 3))
        content = f"{s.app_name}：" + "，".join(f for f, _ in fragments) + "。" + rng.choice(_PROMO_CALLS)
        title, account, keyword = rng.choice(_PROMO_TITLES), rng.choice(_PROMO_ACCOUNTS), fragments[0][1]
    else:
        platform = rng.choice(_EXPOSE_PLATFORMS)
        fragment, keyword = rng.choice(_VICTIM_FRAGMENTS)
        content = f"{rng.choice((s.trade_name, s.app_name))}涉嫌传销！{fragment}，大家不要上当。"
        title, account, keyword = rng.choice(_EXPOSE_TITLES), rng.choice(_NICKS), rng.choice((keyword, "传销"))
    values: dict[str, object] = {
        "platform": platform,
        "title": title.format(**fields) if rng.random() < 0.9 else None,
        "content": content.format(**fields),
        "keyword": keyword,
        "account": account.format(**fields),
    }
    named_by, true_uscc = "text", ""
    if platform == "网站":
        domain = rng.choice(s.domains)
        code = nums["code"]
        path = rng.choice(("", f"register.html?code={code}", f"news/{nums['m']}.html", "about", f"h5/#/reg?u={code}"))
        values["url"] = f"https://www.{domain}/{path}"
        values["server_ip"] = s.server_ip if rng.random() < 0.8 else None
        named_by, true_uscc = "domain", s.sponsor(domain)
    else:
        values["url"] = _URLS[platform](rng)
    if rng.random() < 0.5:
        named_by, values["mentioned_name"], named_uscc = _named(rng, c, s)
        true_uscc = named_uscc or true_uscc
    return values, true_uscc, named_by


def _ordinary_hit(rng: random.Random, w: World, d: date) -> tuple[dict[str, object], str, str]:
    nums = _numbers(rng)
    region = rng.choices(REGIONS, cum_weights=_REGION_CUM)[0]
    fields = {"city": region.city, "district": region.district, **nums}
    kind = rng.choices(("news", "job", "shop", "policy", "chatter", "unregistered"), weights=(25, 18, 27, 12, 13, 5))[0]
    c: Company | None = None
    mention: str | None = None
    named_by = ""
    if kind in ("news", "policy"):
        title, content, keywords = rng.choice(_NEWS if kind == "news" else _POLICY)
        keyword = rng.choice(keywords)
        platform = rng.choice(_NEWS_PLATFORMS)
        account = rng.choice((f"{region.short}市场监管", f"{region.short}发布", f"{region.short}日报", "中国消费者报"))
    elif kind in ("job", "shop"):
        c = w.earlier_company(rng, d)
        title, content, keyword = rng.choice(_JOBS if kind == "job" else _SHOP_PROMOS)
        fields["co"] = c.short
        platform = rng.choice(_JOB_PLATFORMS if kind == "job" else _SHOP_PLATFORMS)
        account = c.short if kind == "job" else rng.choice((f"{c.trade_name}官方旗舰店", f"{c.trade_name}生活馆"))
        if rng.random() < 0.5:
            named_by, mention = ("full_name", c.name) if rng.random() < 0.6 else ("short_name", c.short)
    elif kind == "chatter":
        title, content, keyword = rng.choice(_CHATTER)
        platform, account = rng.choice(_CHAT_PLATFORMS), rng.choice(_NICKS) + str(nums["m"])
    else:
        x = "".join(ch for ch, _ in rng.sample(_ZIHAO, 2))
        mention = rng.choice(_UNREGISTERED[3:]).format(x=x, wx=nums["wx"])
        fragment, keyword = rng.choice(_PROMO_FRAGMENTS)
        title, content = f"{mention}火爆招商", f"{mention}：{fragment}。"
        platform, account, named_by = rng.choice(("微信公众号", "抖音", "快手")), mention, "unregistered"
    values: dict[str, object] = {
        "platform": platform,
        "title": title.format(**fields) if rng.random() < 0.9 else None,
        "content": content.format(**fields),
        "keyword": keyword,
        "account": account if rng.random() < 0.95 else None,
        "mentioned_name": mention,
    }
    if platform == "网站":
        values["url"] = f"https://scjgj.{region.pinyin}.gov.cn/xwdt/{d:%Y%m}/t{d:%Y%m%d}_{nums['code']}.html"
        values["server_ip"] = _ip(rng, _CLOUD_IPS) if rng.random() < 0.5 else None
    else:
        values["url"] = _URLS[platform](rng)
    return values, c.uscc if mention and c else "", named_by


def _dispositions(w: World, d: date) -> Rows:
    rng = w.rng("dispositions", d)
    rows = [
        r
        for s in w.schemes_started(d - timedelta(days=43), d - timedelta(days=20))
        if s.disposal_delivered == d
        for r in s.disposals
    ]
    if rows:
        for _ in range(rng.randint(0, 2)):
            c = w.earlier_company(rng, d - timedelta(days=10), 80)
            action = rng.choice(("核查无问题", "提醒"))
            rows.append(_disposal(rng, c, action, d - timedelta(days=rng.randint(0, 3)), c.trade_name))
        rng.shuffle(rows)
    return len(rows), (Record(r) for r in rows)


_GENERATORS: dict[str, Callable[[World, date], Rows]] = {
    "registrations": _registrations,
    "icp_filings": _icp_filings,
    "complaints": _complaints,
    "keyword_hits": _keyword_hits,
    "dispositions": _dispositions,
}
_TRUTH = {  # source -> ground-truth folder and header
    "registrations": ("entities", ("uscc", "name", "trade_name", "scheme_id", "first_date", "malformed")),
    "complaints": ("complaints", ("ticket_id", "true_uscc", "scheme_id", "malformed", "named_by", "redelivered_from")),
    "keyword_hits": ("keyword_hits", ("hit_id", "true_uscc", "scheme_id", "malformed", "named_by")),
}

# ---------------------------------------------------------------------------------------------------- formats

FORMATS = ("csv-utf8", "csv-bom", "csv-gb18030", "xlsx", "jsonl")
_ENCODINGS = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gb18030": "gb18030"}
XLSX_MAX_ROWS = 20_000  # larger files fall back to CSV with BOM
_FILE_STEMS = {
    "registrations": ("qydj_{ymd}", "企业登记信息_{ymd}", "registrations_{iso}"),
    "icp_filings": ("icp_beian_{ymd}", "网站备案_{ymd}", "icp_filings_{iso}"),
    "complaints": ("12315_tsjb_{ymd}", "投诉举报工单_{ymd}", "complaints_{iso}"),
    "keyword_hits": ("jcmz_{ymd}", "监测命中_{ymd}", "keyword_hits_{iso}"),
    "dispositions": ("czfk_{ymd}", "核查处置反馈_{ymd}", "dispositions_{iso}"),
}
_CODE_KINDS = {Kind.CODE, Kind.USCC, Kind.REGION, Kind.ICP, Kind.DATE, Kind.DATETIME, Kind.NUMBER, Kind.INTEGER}
_FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
_PADS = (" {} ", "{}  ", "\u3000{}", " {}")
_QUIRK_RATE = 0.03


@dataclass(frozen=True)
class Style:
    """How one file is written."""

    fmt: str
    chinese: bool  # Chinese headers instead of canonical names
    columns: tuple[Column, ...]
    date_form: int  # 2026-03-02, 2026/3/2, 2026年3月2日, 20260302
    time_form: str  # "%H:%M:%S", "%H:%M" or "" (date-times without time)
    date_time: bool  # dates carry 00:00:00
    native: bool  # XLSX dates and numbers as cells of their type, JSONL numbers as numbers
    null_empty: bool  # JSONL: empty optional values as null, not absent
    crlf: bool


def _plans(w: World, source: str, d: date, n: int) -> list[tuple[str, Style, int]]:
    """The files of one delivery: name, style and row count. Format and header style cycle every 10 days."""
    rng = w.rng("style", source, d)
    cuts = [0, rng.randint(1, n - 1), n] if n >= 2 and rng.random() < 0.3 else [0, n]
    stem = rng.choice(_FILE_STEMS[source]).format(ymd=f"{d:%Y%m%d}", iso=d.isoformat())
    columns = SOURCES[source].columns
    plans = []
    for part in range(len(cuts) - 1):
        rows = cuts[part + 1] - cuts[part]
        combo = (d.toordinal() * 3 + list(_GENERATORS).index(source) * 7 + part * 3) % 10
        fmt = FORMATS[combo % 5]
        if fmt == "xlsx" and rows >= XLSX_MAX_ROWS:
            fmt = "csv-bom"
        order = list(columns)
        if rng.random() < 0.3:
            rng.shuffle(order)
        style = Style(
            fmt=fmt,
            chinese=combo >= 5,
            columns=tuple(order),
            date_form=rng.randrange(4),
            time_form=rng.choices(("%H:%M:%S", "%H:%M", ""), weights=(6, 3, 1))[0],
            date_time=rng.random() < 0.2,
            native=rng.random() < 0.5,
            null_empty=rng.random() < 0.5,
            crlf=rng.random() < 0.7,
        )
        name = stem + (f"_{part + 1}" if len(cuts) > 2 else "") + "." + fmt.split("-")[0]
        plans.append((name, style, rows))
    return plans


def _date_text(v: date, form: int) -> str:
    if form == 0:
        return f"{v.year:04d}-{v.month:02d}-{v.day:02d}"
    if form == 1:
        return f"{v.year}/{v.month}/{v.day}"
    if form == 2:
        return f"{v.year}年{v.month}月{v.day}日"
    return f"{v.year:04d}{v.month:02d}{v.day:02d}"


def _converter(col: Column, style: Style) -> Callable[[object], object]:
    """Turns one typed value into the cell this file carries; malformed strings pass through."""
    native = style.native and style.fmt in ("xlsx", "jsonl")
    if col.kind is Kind.DATE:
        if native and style.fmt == "xlsx":
            return lambda v: v
        tail = " 00:00:00" if style.date_time else ""
        return lambda v: _date_text(v, style.date_form) + tail if isinstance(v, date) else v
    if col.kind is Kind.DATETIME:
        if native and style.fmt == "xlsx":
            return lambda v: v
        form = style.time_form
        return lambda v: (
            _date_text(v, style.date_form) + (" " + v.strftime(form) if form else "") if isinstance(v, datetime) else v
        )
    if col.kind in (Kind.NUMBER, Kind.INTEGER):
        if native:
            return lambda v: v
        return lambda v: (
            f"{v:.2f}"
            if isinstance(v, float) and not v.is_integer()
            else (str(int(v)) if isinstance(v, (int, float)) else v)
        )
    if col.kind is Kind.REGION and native and style.fmt == "xlsx":
        return lambda v: int(v) if isinstance(v, str) and v.isdigit() else v
    return lambda v: v


def _cells(style: Style, rng: random.Random) -> Callable[[dict[str, object]], list[object]]:
    """Row formatter of one file, with the occasional full-width code or padded text."""
    names = [c.name for c in style.columns]
    converters = [_converter(c, style) for c in style.columns]
    code_like = [c.kind in _CODE_KINDS for c in style.columns]

    def cells(values: dict[str, object]) -> list[object]:
        row = [f(values.get(name)) for name, f in zip(names, converters, strict=True)]
        if rng.random() < _QUIRK_RATE:
            j = rng.randrange(len(row))
            v = row[j]
            if isinstance(v, (str, int, float)) and str(v).strip():
                row[j] = str(v).translate(_FULLWIDTH) if code_like[j] else rng.choice(_PADS).format(v)
        return row

    return cells


def _write_file(path: Path, d: date, style: Style, rows: Iterable[list[object]], rng: random.Random) -> None:
    headers = [c.header_zh if style.chinese else c.name for c in style.columns]
    if style.fmt == "jsonl":
        with path.open("w", encoding="utf-8", newline="\n") as f:
            for row in rows:
                obj = {h: v for h, v in zip(headers, row, strict=True) if v is not None or style.null_empty}
                f.write(json.dumps(obj, ensure_ascii=False) + "\n")
    elif style.fmt == "xlsx":
        stamp = datetime(d.year, d.month, d.day, 20, 30)
        wb = openpyxl.Workbook(write_only=True)
        wb.properties.created = wb.properties.modified = stamp
        ws = wb.create_sheet(rng.choice(("Sheet1", "数据", "导出结果")))
        ws.append(headers)
        for row in rows:
            ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        wb.properties.modified = stamp  # saving stamped it with the wall clock
        path.write_bytes(_restamp(buffer.getvalue(), stamp, tostring(wb.properties.to_tree())))
    else:
        with path.open("w", encoding=_ENCODINGS[style.fmt], newline="") as f:
            writer = csv.writer(f, lineterminator="\r\n" if style.crlf else "\n")
            writer.writerow(headers)
            writer.writerows(rows)


def _restamp(xlsx: bytes, stamp: datetime, core: bytes) -> bytes:
    """The workbook with every zip entry dated `stamp` and the given core properties: equal content, equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = core if info.filename == "docProps/core.xml" else src.read(info)
            entry = zipfile.ZipInfo(info.filename, stamp.timetuple()[:6])
            entry.external_attr = info.external_attr
            dst.writestr(entry, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


class ManifestRow(NamedTuple):
    """One file written: the row of ``_ground_truth/manifest/<date>.csv``."""

    source: str
    date: str
    file_name: str
    rows: int
    malformed: int


class _Tap:
    """Passes records' values on, writing their ground truth and counting the malformed ones."""

    def __init__(self, write_truth: Callable[[tuple[str, ...]], object] | None) -> None:
        self.write_truth = write_truth
        self.malformed = 0

    def values(self, records: Iterable[Record]) -> Iterator[dict[str, object]]:
        for record in records:
            if self.write_truth:
                self.write_truth(record.truth)
            self.malformed += bool(record.malformed)
            yield record.values


def _deliver(landing: Path, w: World, source: str, d: date) -> list[ManifestRow]:
    """Write one source's delivery for a date, replacing the date folder, and its ground truth."""
    folder = landing / source / d.isoformat()
    if folder.exists():
        shutil.rmtree(folder)
    n, records = _GENERATORS[source](w, d)
    manifest: list[ManifestRow] = []
    with contextlib.ExitStack() as stack:
        write_truth = None
        if source in _TRUTH:
            sub, header = _TRUTH[source]
            path = landing / "_ground_truth" / sub / f"{d.isoformat()}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            writer = csv.writer(stack.enter_context(path.open("w", encoding="utf-8", newline="")), lineterminator="\n")
            writer.writerow(header)
            write_truth = writer.writerow
        for part, (name, style, rows) in enumerate(_plans(w, source, d, n) if n else []):
            folder.mkdir(parents=True, exist_ok=True)
            rng = w.rng("format", source, d, part)
            cells = _cells(style, rng)
            tap = _Tap(write_truth)
            _write_file(folder / name, d, style, map(cells, tap.values(itertools.islice(records, rows))), rng)
            manifest.append(ManifestRow(source, d.isoformat(), name, rows, tap.malformed))
    return manifest


_HISTORY = ("registrations", "icp_filings")  # the registers a warehouse starts from


def _history(landing: Path, w: World, source: str, start: date, days: int) -> ManifestRow:
    """A register as it stood before `start`: what `source` delivered in the `days` before, as one more file of
    `start` (``history.csv``, UTF-8, canonical headers), with its ground truth."""
    style = Style("csv-utf8", False, SOURCES[source].columns, 0, "%H:%M:%S", False, False, False, False)
    name = "history.csv"
    with contextlib.ExitStack() as stack:
        write_truth = None
        if source in _TRUTH:
            path = landing / "_ground_truth" / _TRUTH[source][0] / f"{start.isoformat()}.csv"
            write_truth = csv.writer(
                stack.enter_context(path.open("a", encoding="utf-8", newline="")), lineterminator="\n"
            ).writerow
        tap = _Tap(write_truth)
        records = itertools.chain.from_iterable(
            _GENERATORS[source](w, start - timedelta(days=back))[1] for back in range(days, 0, -1)
        )
        cells = _cells(style, w.rng("format", source, start, "history"))
        rows = [cells(values) for values in tap.values(records)]
    folder = landing / source / start.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    _write_file(folder / name, start, style, rows, w.rng("format", "history"))
    return ManifestRow(source, start.isoformat(), name, len(rows), tap.malformed)


def _write_csv(path: Path, header: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def generate(
    landing_dir: Path, start: date, end: date, scale: str = "demo", seed: int = 20260101, history_days: int = 0
) -> dict[str, int]:
    """Write sample deliveries of every source for every date in [start, end]; returns rows written per source.

    With `history_days`, `start` also delivers the registrations and ICP filings of the days before it
    (``_history``): a warehouse starts from the registers as they stood, as complaints and posts name earlier
    companies and their sites."""
    landing = Path(landing_dir)
    w = World(seed, SCALES[scale])
    counts = dict.fromkeys(_GENERATORS, 0)
    truth = landing / "_ground_truth"
    for offset in range((end - start).days + 1):
        d = start + timedelta(days=offset)
        manifest = [row for source in _GENERATORS for row in _deliver(landing, w, source, d)]
        if d == start and history_days:
            manifest += [_history(landing, w, source, start, history_days) for source in _HISTORY]
        for row in manifest:
            counts[row.source] += row.rows
        _write_csv(truth / "manifest" / f"{d.isoformat()}.csv", ManifestRow._fields, manifest)
        _write_csv(
            truth / "schemes" / f"{d.isoformat()}.csv",
            ("scheme_id", "trade_name", "app_name", "domains", "server_ip", "shells"),
            [
                (s.scheme_id, s.trade_name, s.app_name, "|".join(s.domains), s.server_ip, len(s.shells))
                for s in w.schemes_started(d, d)
            ],
        )
    return counts
