"""Domain vocabulary for the synthetic records: TCM terms, hospitals, branches, companies, ports."""

from __future__ import annotations

# Syndromes (证).
SYNDROMES = (
    "肝郁脾虚证",
    "脾胃虚寒证",
    "气血两虚证",
    "肝肾阴虚证",
    "湿热蕴脾证",
    "痰湿阻肺证",
    "心脾两虚证",
    "肝阳上亢证",
    "气滞血瘀证",
    "风寒束表证",
    "阴虚火旺证",
    "肺脾气虚证",
)
# TCM disease names.
TCM_DIAGNOSES = (
    "胃脘痛",
    "不寐",
    "眩晕",
    "咳嗽",
    "泄泻",
    "月经不调",
    "胁痛",
    "头痛",
    "消渴",
    "痹证",
    "郁证",
    "便秘",
)
SYMPTOMS = (
    "胁肋胀痛",
    "食少纳呆",
    "神疲乏力",
    "大便溏薄",
    "失眠多梦",
    "口干咽燥",
    "头晕目眩",
    "腰膝酸软",
    "畏寒肢冷",
    "咳嗽痰多",
    "胸闷气短",
    "心悸",
    "舌淡苔白",
    "脉弦细",
)
# (herb, lowest dose g, highest dose g). Many begin with a common surname character on purpose.
HERBS: tuple[tuple[str, int, int], ...] = (
    ("陈皮", 6, 12),
    ("黄芪", 15, 30),
    ("白术", 9, 15),
    ("何首乌", 10, 15),
    ("金银花", 10, 20),
    ("当归", 6, 12),
    ("柴胡", 6, 10),
    ("茯苓", 10, 15),
    ("甘草", 3, 6),
    ("党参", 10, 15),
    ("白芍", 9, 15),
    ("川芎", 6, 10),
    ("熟地黄", 10, 20),
    ("枸杞子", 10, 15),
    ("山药", 15, 30),
    ("丹参", 10, 15),
    ("黄连", 3, 6),
    ("半夏", 6, 9),
    ("杜仲", 10, 15),
    ("酸枣仁", 10, 15),
)
TCM_DEPARTMENTS = ("脾胃科", "针灸科", "妇科", "内科", "治未病中心", "肾病科")
TCM_ADVICE = ("嘱清淡饮食", "忌辛辣生冷", "水煎服，日一剂", "七日后复诊", "注意休息，调畅情志")

# Insurance: diagnoses in Simplified and Traditional script, hospitals (organisations, not persons).
CLAIM_DIAGNOSES = (
    "2型糖尿病",
    "急性阑尾炎",
    "急性闌尾炎",
    "腰椎间盘突出症",
    "腰椎間盤突出症",
    "冠心病",
    "社区获得性肺炎",
    "社區獲得性肺炎",
    "桡骨远端骨折",
    "高血壓",
)
HOSPITALS = (
    "珠海市人民医院",
    "中山大学附属第五医院",
    "珠海市中西医结合医院",
    "澳門仁伯爵綜合醫院",
    "鏡湖醫院",
    "广东省中医院珠海医院",
)
BANK_BRANCHES = ("深圳福田支行", "深圳南山支行", "深圳前海分行", "香港中環分行", "香港旺角分行")
SUPPLIERS = (
    "东莞市华达电子有限公司",
    "东莞市长安精密五金厂",
    "东莞市虎门服装有限公司",
    "东莞市松山湖科技有限公司",
)
BUYERS = (
    "香港恒通貿易有限公司",
    "Harbour Link Trading Ltd.",
    "香港維港進出口有限公司",
    "Pearl Delta Sourcing Ltd.",
)
PORTS_OF_LOADING = ("东莞港", "深圳蛇口港", "深圳盐田港", "虎门港")
PORTS_OF_DISCHARGE = ("香港葵涌货柜码头", "Kwai Tsing Container Terminals", "香港屯门内河码头")
PRODUCTS = ("USB-C 数据线", "锂电池模组", "不锈钢螺丝 M4", "LED 灯带 5m", "纯棉T恤", "蓝牙耳机外壳")
INCOTERMS = ("FOB", "CIF", "EXW", "DAP")
