"""The demo's made-up world as data: cities with their division codes and districts, market
and street names, people's names, instrument models per family, the cheating findings with
their legal basis, and a family's checklist answered clean.

Data-heavy by nature; the generator is :class:`.demo_world.Demo`, the run :func:`.demo.generate`.
"""

from __future__ import annotations

CITIES = [  # (city, administrative division code, districts)
    ("合肥市", "340100", ["蜀山区", "包河区", "庐阳区", "瑶海区"]),
    ("芜湖市", "340200", ["镜湖区", "鸠江区", "弋江区"]),
    ("蚌埠市", "340300", ["蚌山区", "龙子湖区", "禹会区"]),
    ("安庆市", "340800", ["迎江区", "大观区", "宜秀区"]),
    ("黄山市", "341000", ["屯溪区", "黄山区", "徽州区"]),
    ("阜阳市", "341200", ["颍州区", "颍东区", "颍泉区"]),
    ("六安市", "341500", ["金安区", "裕安区"]),
]


MARKET_NAMES = ["农贸市场", "菜市场", "农产品批发市场", "综合市场"]


STREETS = [
    "长江路",
    "淮河路",
    "黄山路",
    "望江路",
    "人民路",
    "解放路",
    "中山路",
    "胜利路",
    "健康路",
    "和平路",
]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"


GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂兰华红玉梅建国志文斌"


GOODS = ["蔬菜", "水果", "猪肉", "牛羊肉", "水产", "禽蛋", "干货", "豆制品", "粮油", "熟食"]


OPTICAL_BRANDS = ["宝岛眼镜", "精益眼镜", "大明眼镜", "明视眼镜", "亮视点眼镜"]


FUEL_BRANDS = ["中国石化", "中国石油", "中化石油"]


SCALE_MODELS = [  # maker, model, Max (g), e (g), ranges
    ("上海友声衡器有限公司", "ACS-15-YZ", "15000", "5", None),
    ("凯丰集团有限公司", "ACS-30-JC", "30000", "10", None),
    (
        "大华电子秤有限公司",
        "TM-15A",
        "15000",
        "5",
        [{"max": "6000", "e": "2"}, {"max": "15000", "e": "5"}],
    ),
    (
        "顶尖电子科技有限公司",
        "PS1X-6/15",
        "15000",
        "5",
        [{"max": "6000", "e": "2"}, {"max": "15000", "e": "5"}],
    ),
    ("永康市华鹰衡器有限公司", "TCS-150", "150000", "50", None),
]


DISPENSER_MODELS = [
    ("北京三盈联合石油技术有限公司", "CS46"),
    ("正星科技股份有限公司", "JKJ-2242"),
    ("托肯恒山科技(广州)有限公司", "Quantium 510"),
]


FOCIMETERS = [
    ("拓普康(Topcon)", "CL-300", "0.01"),
    ("尼德克(NIDEK)", "LM-7", "0.01"),
    ("上海光学仪器厂", "JDY-1", "0.125"),
]


REFRACTOMETERS = [
    ("拓普康(Topcon)", "KR-800"),
    ("尼德克(NIDEK)", "ARK-1"),
    ("重庆远视科技", "RM-9600"),
]


CHEATING = [  # code, finding, legal basis, family, the form's question and its answer
    (
        "cheat_password",
        "按键输入密码后示值放大（密码秤）",
        "《计量法实施细则》第四十八条",
        "scale",
        "cheat_keys",
        "yes",
    ),
    (
        "cheat_remote",
        "称体内发现遥控作弊装置",
        "《计量法实施细则》第四十八条",
        "scale",
        "remote_control",
        "yes",
    ),
    (
        "cheat_unit_price",
        "单价按1/100输入，实收金额与显示金额不符",
        "《零售商品称重计量监督管理办法》第五条",
        "scale",
        "unit_price_divided",
        "yes",
    ),
    (
        "seal_broken",
        "计量传感器铅封被破坏",
        "JJG 443-2023 铅封要求；《计量法》第九条",
        "fuel_dispenser",
        "seals",
        "no",
    ),
    (
        "pulse_equivalent",
        "主板脉冲当量被改动，示值大于实际出油量",
        "《计量法实施细则》第四十八条",
        "fuel_dispenser",
        "pulse_equivalent",
        "yes",
    ),
]


NONCONFORMITY = (
    "mpe_exceeded",
    "示值误差超出最大允许误差",
    "《计量法》第九条、《计量法实施细则》第四十三条",
)


_FORMS: dict[str, object] = {}


def family_form(family: str):
    """The family's inspection form (domain/forms.py), read once per process."""
    if family not in _FORMS:
        from ..domain.forms import load_form

        _FORMS[family] = load_form(family)
    return _FORMS[family]


def clean_checklist(family: str) -> dict[str, str]:
    """The form's own questions, each answered the way that is not a finding."""
    return {
        q.key: ("no" if q.finding_if == "yes" else "yes") for q in family_form(family).checklist
    }
