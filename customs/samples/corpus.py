"""A labelled evaluation corpus: synthetic GBA records with the exact span of every personal value.

``labelled_corpus(count, seed)`` mixes

* records of :func:`customs.samples.generator.generate` (TCM visits, bank credit files, insurance claims,
  supply-chain orders), whose planted values (``SampleRecord.pii``) are located in the record's strings, plus
  the prescription herbs the generator does not list;
* English-language records (a Hong Kong clinic, a KYC file, a Macau claim);
* Traditional-Chinese Hong Kong and Macau records (a clinic visit, a claim, a bank account);
* free-text paragraphs mixing several entities, in Simplified, Traditional and English;
* clean records: orders and logistics with look-alike numbers (18-digit order numbers failing the ID
  checksum, Luhn-failing tracking numbers, HKID-shaped part numbers with a wrong check character,
  amounts, timestamps), herb stock lists, formulary prescriptions, herb batches with their doses and
  pharmacopoeia quality notes, medicine catalogues and monographs — none linked to anyone.

Clean records hold no personal information, not even health data: a herb list with doses or a drug with its
indications is health data only about a person (``detectors.subject``). The herb names of their herb lists
are still listed in ``herbs`` so an evaluation can tell how often a name detector mistakes a herb (陈皮, 黄芪,
何首乌) for a person.

Every span is ``(path, entity, start, end)`` with ``path`` the dot-joined JSON path of a string value and
``start``/``end`` character offsets in it, the same convention as the classifier's findings. All values
are synthetic; the same arguments give the same corpus.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal, NamedTuple

from stdnum.cn import uscc

from customs.samples import identities as ids
from customs.samples import vocab
from customs.samples._rand import below, between, pick
from customs.samples.generator import SampleRecord, generate
from customs.samples.names import chinese_name

Language = Literal["zh-Hans", "zh-Hant", "en"]
Domain = Literal["clinical", "banking", "insurance", "free_text", "clean"]
DOMAINS: tuple[Domain, ...] = ("clinical", "banking", "insurance", "free_text", "clean")


class LabelledSpan(NamedTuple):
    path: str
    entity: str
    start: int
    end: int


class HerbSpan(NamedTuple):
    path: str
    start: int
    end: int


@dataclass(frozen=True)
class LabelledRecord:
    record: dict[str, Any]
    spans: list[LabelledSpan]
    language: Language
    domain: Domain
    kind: str = ""  # the shape that made it: "tcm_visit", "en_clinic", "clean_orders" ...
    herbs: list[HerbSpan] = field(default_factory=list)  # herb names inside a prescription

    def value(self, span: LabelledSpan | HerbSpan) -> str:
        """The text a span points at."""
        node: Any = self.record
        for part in span.path.split("."):
            node = node[int(part)] if isinstance(node, list) else node[part]
        return str(node)[span.start : span.end]


# --- building strings with known spans --------------------------------------------------------------


class _Text:
    """A string assembled piece by piece, remembering where each labelled piece went."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.spans: list[tuple[str, int, int]] = []
        self.herbs: list[tuple[int, int]] = []

    def add(self, text: str) -> _Text:
        self._parts.append(text)
        self._length += len(text)
        return self

    def pii(self, entity: str, value: str) -> _Text:
        self.spans.append((entity, self._length, self._length + len(value)))
        return self.add(value)

    def prescription(self, items: list[tuple[str, str]], sep: str, subject: bool = True) -> _Text:
        """A herb + dose list, each herb name remembered; one ``HEALTH_DATA`` span when it is someone's
        (``subject``), none in a batch, a formulary or a catalogue (no data subject)."""
        start = self._length
        for index, (herb, dose) in enumerate(items):
            if index:
                self.add(sep)
            self.herbs.append((self._length, self._length + len(herb)))
            self.add(herb + dose)
        if subject:
            self.spans.append(("HEALTH_DATA", start, self._length))
        return self

    @property
    def text(self) -> str:
        return "".join(self._parts)


class _Builder:
    """A record under construction: its fields and their labelled spans."""

    def __init__(self) -> None:
        self.record: dict[str, Any] = {}
        self.spans: list[LabelledSpan] = []
        self.herbs: list[HerbSpan] = []

    def put(self, path: str, value: Any, entity: str | None = None) -> None:
        """Set the field at ``path`` (dots for nesting, numbers for list items); label it whole."""
        self._set(path, value)
        if entity is not None:
            self.spans.append(LabelledSpan(path, entity, 0, len(str(value))))

    def text(self, path: str, text: _Text) -> None:
        self._set(path, text.text)
        self.spans.extend(LabelledSpan(path, entity, start, end) for entity, start, end in text.spans)
        self.herbs.extend(HerbSpan(path, start, end) for start, end in text.herbs)

    def _set(self, path: str, value: Any) -> None:
        parts = path.split(".")
        node: Any = self.record
        for part, following in itertools.pairwise(parts):
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append([] if following.isdigit() else {})
                node = node[index]
            else:
                node = node.setdefault(part, [] if following.isdigit() else {})
        last = parts[-1]
        if isinstance(node, list):
            index = int(last)
            while len(node) <= index:
                node.append(None)
            node[index] = value
        else:
            node[last] = value

    def done(self, language: Language, domain: Domain, kind: str) -> LabelledRecord:
        return LabelledRecord(self.record, self.spans, language, domain, kind, self.herbs)


# --- vocabulary of the extra shapes (synthetic) -----------------------------------------------------

_ROMAN_SURNAMES = (
    "Chan",
    "Wong",
    "Lee",
    "Cheung",
    "Lau",
    "Ho",
    "Leung",
    "Lam",
    "Tse",
    "Ng",
    "Yip",
    "Kwok",
    "Tang",
    "Chow",
    "Mak",
    "Fung",
    "Tsang",
    "Leong",
    "Lei",
    "Chao",
    "Iong",
    "Vong",
)
_ROMAN_GIVEN = (
    "Tai Man",
    "Ka Yan",
    "Siu Ming",
    "Wing Kei",
    "Chi Keung",
    "Mei Ling",
    "Ka Ho",
    "Hoi Yan",
    "Wai Lun",
    "Kin Wai",
    "Sio Kei",
    "Weng Hong",
    "Pui Shan",
    "Chun Kit",
)
_ENGLISH_GIVEN = ("Peter", "Mary", "Kelvin", "Winnie", "Ivan", "Joyce", "Jason", "Cherry", "Alan", "Karen")

_HK_ROADS = (
    ("Nathan Road", "Mong Kok", "Kowloon", "彌敦道", "九龍旺角"),
    ("Hennessy Road", "Wan Chai", "Hong Kong", "軒尼詩道", "香港灣仔"),
    ("King's Road", "North Point", "Hong Kong", "英皇道", "香港北角"),
    ("Castle Peak Road", "Tsuen Wan", "New Territories", "青山公路", "新界荃灣"),
    ("Argyle Street", "Mong Kok", "Kowloon", "亞皆老街", "九龍旺角"),
    ("Tai Po Road", "Sham Shui Po", "Kowloon", "大埔道", "九龍深水埗"),
)
_MO_STREETS = (
    ("Avenida de Almeida Ribeiro", "新馬路"),
    ("Rua de Pequim", "北京街"),
    ("Avenida do Conselheiro Ferreira de Almeida", "荷蘭園大馬路"),
    ("Rua de Chon Sau", "俊秀街"),
)
_CN_STREETS = (
    ("广州市天河区", "体育西路"),
    ("广州市越秀区", "中山五路"),
    ("深圳市福田区", "深南大道"),
    ("深圳市南山区", "科技园南路"),
    ("珠海市香洲区", "情侣中路"),
    ("佛山市禅城区", "祖庙路"),
)

# (Simplified, Traditional, English): diagnoses; a few are outside any detector's word list on purpose.
_DIAGNOSES: tuple[tuple[str, str, str], ...] = (
    ("高血压", "高血壓", "hypertension"),
    ("2型糖尿病", "2型糖尿病", "type 2 diabetes mellitus"),
    ("社区获得性肺炎", "社區獲得性肺炎", "community-acquired pneumonia"),
    ("急性胃肠炎", "急性腸胃炎", "acute gastroenteritis"),
    ("支气管哮喘", "支氣管哮喘", "asthma"),
    ("腰椎间盘突出症", "腰椎間盤突出症", "lumbar disc herniation"),
    ("冠心病", "冠心病", "coronary artery disease"),
    ("抑郁症", "抑鬱症", "major depressive disorder"),
    ("痛风", "痛風", "gout"),
    ("甲状腺功能亢进症", "甲狀腺功能亢進症", "hyperthyroidism"),
    ("左桡骨远端骨折", "左橈骨遠端骨折", "fracture of the left distal radius"),
    ("慢性乙型肝炎", "慢性乙型肝炎", "chronic hepatitis B"),
    ("肺结节", "肺結節", "pulmonary nodule"),
    ("颈动脉斑块", "頸動脈斑塊", "carotid plaque"),
    ("膝关节退行性变", "膝關節退行性變", "degenerative knee joint disease"),
    ("鼻咽癌", "鼻咽癌", "nasopharyngeal carcinoma"),
)
_SYMPTOMS: tuple[tuple[str, str, str], ...] = (
    ("头痛", "頭痛", "headache"),
    ("发热", "發熱", "fever"),
    ("咳嗽", "咳嗽", "cough"),
    ("胸闷", "胸悶", "chest tightness"),
    ("气短", "氣短", "shortness of breath"),
    ("腹痛", "腹痛", "abdominal pain"),
    ("恶心", "噁心", "nausea"),
    ("失眠", "失眠", "insomnia"),
    ("头晕", "頭暈", "dizziness"),
    ("腰痛", "腰痛", "low back pain"),
    ("关节肿痛", "關節腫痛", "joint pain"),
    ("乏力", "疲倦", "tiredness"),
)
_SYNDROMES_HANT = (
    "肝鬱脾虛證",
    "脾胃虛寒證",
    "氣血兩虛證",
    "肝腎陰虛證",
    "濕熱蘊脾證",
    "氣滯血瘀證",
    "心脾兩虛證",
    "風寒束表證",
)
# (Simplified, Traditional, lowest g, highest g)
_HERBS: tuple[tuple[str, str, int, int], ...] = (
    ("陈皮", "陳皮", 6, 12),
    ("黄芪", "黃芪", 15, 30),
    ("白术", "白朮", 9, 15),
    ("何首乌", "何首烏", 10, 15),
    ("金银花", "金銀花", 10, 20),
    ("当归", "當歸", 6, 12),
    ("柴胡", "柴胡", 6, 10),
    ("茯苓", "茯苓", 10, 15),
    ("甘草", "甘草", 3, 6),
    ("党参", "黨參", 10, 15),
    ("白芍", "白芍", 9, 15),
    ("川芎", "川芎", 6, 10),
    ("熟地黄", "熟地黃", 10, 20),
    ("黄芩", "黃芩", 6, 10),
    ("麦冬", "麥冬", 10, 15),
    ("五味子", "五味子", 6, 9),
    ("桂枝", "桂枝", 6, 10),
    ("防风", "防風", 6, 10),
    ("丹参", "丹參", 10, 15),
    ("杜仲", "杜仲", 10, 15),
)
_FORMULAS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("四君子汤", (("党参", "9g"), ("白术", "9g"), ("茯苓", "9g"), ("炙甘草", "6g"))),
    ("四物汤", (("熟地黄", "12g"), ("当归", "9g"), ("白芍", "9g"), ("川芎", "6g"))),
    ("玉屏风散", (("黄芪", "18g"), ("白术", "12g"), ("防风", "6g"))),
    ("逍遥散", (("柴胡", "9g"), ("当归", "9g"), ("白芍", "9g"), ("白术", "9g"), ("茯苓", "9g"))),
    ("生脉散", (("人参", "9g"), ("麦冬", "9g"), ("五味子", "6g"))),
    ("二陈汤", (("半夏", "9g"), ("陈皮", "9g"), ("茯苓", "6g"), ("甘草", "3g"))),
)
_LABS_HANS = (
    ("空腹血糖 ", "{:.1f} mmol/L", 5.6, 11.0),
    ("糖化血红蛋白 ", "{:.1f}%", 5.8, 9.5),
    ("谷丙转氨酶 ", "{:.0f} U/L", 40, 120),
    ("尿酸 ", "{:.0f} μmol/L", 420, 600),
    ("总胆固醇 ", "{:.1f} mmol/L", 5.2, 7.5),
)
_LABS_HANT = (
    ("空腹血糖 ", "{:.1f} mmol/L", 5.6, 11.0),
    ("糖化血紅蛋白 ", "{:.1f}%", 5.8, 9.5),
    ("膽固醇 ", "{:.1f} mmol/L", 5.2, 7.5),
)
_LABS_EN = (
    ("HbA1c ", "{:.1f}%", 5.8, 9.5),
    ("fasting glucose ", "{:.1f} mmol/L", 5.6, 11.0),
    ("ALT ", "{:.0f} U/L", 40, 120),
    ("LDL-C ", "{:.1f} mmol/L", 3.4, 5.5),
    ("eGFR ", "{:.0f} mL/min/1.73m2", 35, 85),
)
_DRUGS_EN = (("metformin", "500 mg bd"), ("amlodipine", "5 mg daily"), ("atorvastatin", "20 mg nocte"))
_HOSPITALS_HANT = ("仁伯爵綜合醫院", "鏡湖醫院", "伊利沙伯醫院", "瑪麗醫院", "廣華醫院")
_HOSPITALS_EN = (
    "Queen Mary Hospital",
    "Queen Elizabeth Hospital",
    "Kiang Wu Hospital",
    "Prince of Wales Hospital",
)
_BANK_BRANCHES_HANT = ("中環分行", "旺角分行", "澳門新馬路分行", "氹仔分行")
_PRODUCTS_EN = (
    "USB-C cable 1m",
    "Li-ion battery pack",
    "Stainless screw M4",
    "LED strip 5m",
    "Cotton T-shirt",
)
_SHIPPERS = (
    "东莞市华达电子有限公司",
    "佛山市顺德家电有限公司",
    "Harbour Link Trading Ltd.",
    "Pearl Delta Sourcing Ltd.",
)
# Everyday phrases with a medical word in them: none of them is anyone's health data.
_TRICKY_ZH = (
    "双十一全场打骨折",
    "客户风险等级：中风险",
    "电池发热测试合格",
    "发热丝 220V 已备货",
    "发烧友版本耳机",
    "对价格不感冒的客户",
    "肾病科室内装修工程",
    "肿瘤医院新院区设备采购",
    "重大疾病保险宣传册 500 份",
)
_TRICKY_EN = (
    "Stroke counter spare part for rowing machine",
    "Market depression delayed the shipment",
    "Cold chain: keep below 8°C",
    "Pain points: customs clearance and labelling",
    "Heart-shaped gift boxes, 200 pcs",
)
_HERB_SUPPLIERS = (
    "东莞市岭南饮片厂",
    "广州医药集团",
    "佛山市南海中药饮片有限公司",
    "香港中藥材貿易行",
    "Pearl River Herbal Trading Ltd.",
)
_QC_NOTES: dict[str, tuple[str, ...]] = {
    "zh-Hans": (
        "第{batch}批饮片抽检合格，含量测定符合2020版药典要求。",
        "水分、总灰分及浸出物检查均符合《中国药典》规定，准予放行。",
        "性状、鉴别、检查项均符合规定，重金属及有害元素未超标。",
        "二氧化硫残留量低于150mg/kg，第{batch}批已放行。",
    ),
    "zh-Hant": (
        "第{batch}批飲片抽檢合格，含量測定符合《香港中藥材標準》要求。",
        "水分、總灰分及浸出物檢查均符合規定，准予放行。",
        "性狀、鑒別、檢查項均符合規定，第{batch}批已放行。",
    ),
    "en": (
        "Batch {batch} passed QC; assay complies with the Chinese Pharmacopoeia 2020.",
        "Moisture, total ash and heavy metals within limits; released for shipment.",
        "Identification and assay comply with the Hong Kong Chinese Materia Medica Standards.",
    ),
}
# Catalogue lines and monographs: (key, value) pairs.
_CATALOGUE: dict[str, tuple[tuple[tuple[str, str], ...], ...]] = {
    "zh-Hans": (
        (
            ("品名", "六味地黄丸"),
            ("规格", "每8丸相当于饮片3g"),
            ("功能主治", "滋阴补肾。用于肾阴亏损，头晕耳鸣，腰膝酸软，骨蒸潮热，盗汗遗精。"),
            ("用法用量", "口服，一次8丸，一日3次。"),
        ),
        (
            ("品名", "板蓝根颗粒"),
            ("规格", "每袋装10g"),
            ("功能主治", "清热解毒，凉血利咽。用于肺胃热盛所致的咽喉肿痛、口咽干燥。"),
            ("用法用量", "开水冲服，一次5～10g，一日3～4次。"),
        ),
        (
            ("药材", "黄芪"),
            ("来源", "本品为豆科植物蒙古黄芪的干燥根。"),
            ("检查", "水分不得过10.0%；总灰分不得过5.0%。"),
            ("含量测定", "按干燥品计算，含黄芪甲苷不得少于0.080%。"),
        ),
    ),
    "zh-Hant": (
        (
            ("產品", "玉屏風散"),
            ("組成", "黃芪18g、白朮12g、防風6g"),
            ("功能主治", "益氣固表止汗。用於表虛自汗，易感風邪。"),
        ),
        (
            ("藥材", "當歸"),
            ("來源", "本品為傘形科植物當歸的乾燥根。"),
            ("檢查", "水分不得過15.0%；總灰分不得過7.0%。"),
        ),
    ),
    "en": (
        (
            ("product", "Amoxicillin 500 mg capsules"),
            ("pack", "3 x 10 capsules"),
            ("indications", "Infections of the respiratory tract, such as pneumonia and bronchitis."),
            ("dosage", "Adults: 500 mg three times daily."),
        ),
        (
            ("product", "Metformin 500 mg tablets"),
            ("pack", "100 tablets"),
            ("indications", "Type 2 diabetes mellitus when diet and exercise are not enough."),
        ),
        (
            ("monograph", "Astragali Radix (Huangqi)"),
            ("tests", "Water not more than 10.0%; total ash not more than 5.0%."),
            ("assay", "Contains not less than 0.080% of astragaloside IV, on the dried basis."),
        ),
    ),
}
_HERB_ORIGINS = ("广东新会", "甘肃岷县", "浙江磐安", "云南文山", "安徽亳州", "河南焦作")

_FIRST_VISIT = date(2025, 1, 1).toordinal()
_LAST_VISIT = date(2026, 6, 30).toordinal()


def _visit_date(rng: random.Random) -> date:
    return date.fromordinal(between(rng, _FIRST_VISIT, _LAST_VISIT))


def _roman_name(rng: random.Random) -> tuple[str, str]:
    """A romanised Hong Kong / Macau name and the surname for an email."""
    surname = pick(rng, _ROMAN_SURNAMES)
    given = pick(rng, _ROMAN_GIVEN)
    style = below(rng, 4)
    if style == 0:
        return f"{surname.upper()} {given}", surname
    if style == 1:
        return f"{pick(rng, _ENGLISH_GIVEN)} {surname} {given}", surname
    if style == 2:
        return f"{pick(rng, _ENGLISH_GIVEN)} {surname}", surname
    return f"{surname} {given}", surname


def _dob(rng: random.Random, language: Language, born: date | None = None) -> str:
    """A birth date written the way ``language`` records usually write it."""
    if born is None:
        born = ids.birth_date(rng)
    formats: tuple[str, ...]
    if language == "en":
        formats = ("%d %B %Y", "%d/%m/%Y", "%Y-%m-%d", "%B %d, %Y", "%d %b %Y")
    elif language == "zh-Hant":
        formats = ("{zh}", "%d/%m/%Y", "%Y-%m-%d")
    else:
        formats = ("%Y-%m-%d", "{zh}", "%Y/%m/%d", "%Y%m%d")
    chosen = pick(rng, formats)
    if chosen == "{zh}":
        return f"{born.year}年{born.month}月{born.day}日"
    return born.strftime(chosen)


def _hk_address(rng: random.Random, traditional: bool) -> str:
    road, district, region, road_zh, district_zh = pick(rng, _HK_ROADS)
    number, floor, flat = between(rng, 1, 680), between(rng, 2, 38), pick(rng, "ABCDEFGH")
    if traditional:
        return f"{district_zh}{road_zh}{number}號{floor}樓{flat}室"
    return f"Flat {flat}, {floor}/F, {number} {road}, {district}, {region}"


def _mo_address(rng: random.Random, traditional: bool) -> str:
    street, street_zh = pick(rng, _MO_STREETS)
    number, floor, flat = between(rng, 1, 300), between(rng, 1, 30), pick(rng, "ABCDEF")
    if traditional:
        return f"澳門{street_zh}{number}號{floor}樓{flat}座"
    return f"{street} No. {number}, {floor}/F {flat}, Macau"


def _cn_address(rng: random.Random) -> str:
    district, street = pick(rng, _CN_STREETS)
    return f"{district}{street}{between(rng, 1, 999)}号{between(rng, 1, 30)}栋{between(rng, 101, 2808)}室"


def _prescription(
    rng: random.Random, traditional: bool, low: int = 3, high: int = 5
) -> list[tuple[str, str]]:
    chosen = rng.sample(_HERBS, between(rng, low, high))
    return [(herb[1] if traditional else herb[0], f"{between(rng, herb[2], herb[3])}g") for herb in chosen]


def _lab(rng: random.Random, labs: tuple[tuple[str, str, float, float], ...]) -> str:
    name, unit, low, high = pick(rng, labs)
    return name + unit.format(rng.uniform(low, high))


def _bp(rng: random.Random) -> str:
    return f"{between(rng, 135, 175)}/{between(rng, 85, 105)} mmHg"


def _visa(rng: random.Random) -> str:
    payload = "4" + f"{below(rng, 10**14):014d}"
    number = payload + ids.luhn_check_digit(payload)
    return " ".join(number[i : i + 4] for i in range(0, 16, 4)) if rng.random() < 0.5 else number


def _uscc(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "9144" + f"{pick(rng, ('0300', '0100', '0400', '1900'))}" + "MA"
    body += "".join(pick(rng, alphabet) for _ in range(17 - len(body)))
    return body + str(uscc.calc_check_digit(body))


def _passport(rng: random.Random) -> str:
    return f"E{below(rng, 10**8):08d}"


def _exit_permit(rng: random.Random) -> str:
    return f"C{below(rng, 10**8):08d}"


def _test_ip(rng: random.Random) -> str:
    return f"{pick(rng, ('192.0.2', '198.51.100', '203.0.113'))}.{between(rng, 1, 254)}"


def _email(rng: random.Random, local: str) -> str:
    return ids.email(rng, local.lower().replace(" ", ""))


# --- the generator's records --------------------------------------------------------------------------

_GENERATED_DOMAIN: dict[str, Domain] = {
    "tcm_visit": "clinical",
    "bank_credit": "banking",
    "insurance_claim": "insurance",
    "supply_chain": "clean",
}
_SIMPLIFIED_ONLY = frozenset(
    "们这说为对时个国会发现经过还来动后车门东阅诊断证号码处陈黄刘张杨赵吴孙马郑谢冯邓苏卢钟叶罗"
)
_TRADITIONAL_ONLY = frozenset(
    "們這說為對時個國會發現經過還來動後車門東閱診斷證號碼處陳黃劉張楊趙吳孫馬鄭謝馮鄧蘇盧鍾葉羅齊"
)


def _strings(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield prefix, value
    elif isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(child, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _strings(child, f"{prefix}.{index}" if prefix else str(index))


def locate(record: dict[str, Any], planted: list[tuple[str, str]]) -> list[LabelledSpan]:
    """Every occurrence of each planted ``(entity, value)`` in the record's strings.

    Longer values claim their characters first, so a name inside a longer planted value is not counted
    twice; an ASCII value must not continue into letters or digits (a phone inside a longer number).
    """
    ordered = sorted(dict.fromkeys(planted), key=lambda item: -len(item[1]))
    spans: list[LabelledSpan] = []
    for path, text in _strings(record):
        taken: list[tuple[int, int]] = []
        for entity, value in ordered:
            if not value:
                continue
            start = text.find(value)
            while start >= 0:
                end = start + len(value)
                if _bounded(text, start, end, value) and all(end <= a or start >= b for a, b in taken):
                    taken.append((start, end))
                    spans.append(LabelledSpan(path, entity, start, end))
                start = text.find(value, start + 1)
    return sorted(spans)


def _bounded(text: str, start: int, end: int, value: str) -> bool:
    if not value[0].isascii() and not value[-1].isascii():
        return True
    before = text[start - 1] if start else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _language_of(record: dict[str, Any]) -> Language:
    simplified = traditional = cjk = 0
    for _, text in _strings(record):
        for char in text:
            if "\u4e00" <= char <= "\u9fff":
                cjk += 1
                simplified += char in _SIMPLIFIED_ONLY
                traditional += char in _TRADITIONAL_ONLY
    if not cjk:
        return "en"
    return "zh-Hant" if traditional > simplified else "zh-Hans"


def from_sample(sample: SampleRecord) -> LabelledRecord | None:
    """A generator record with its planted values located, plus its prescription herbs."""
    if sample.record is None:
        return None
    record = sample.record
    planted = list(sample.pii)
    herbs: list[HerbSpan] = []
    if sample.kind == "tcm_visit":
        for index, item in enumerate(record.get("prescription", [])):
            path = f"prescription.{index}.herb"
            planted.append(("HEALTH_DATA", item["herb"]))
            herbs.append(HerbSpan(path, 0, len(item["herb"])))
        notes = record.get("notes", "")
        for item in record.get("prescription", []):
            herb_dose = f"{item['herb']}{item['dose']}"
            start = notes.find(herb_dose)
            if start >= 0:
                planted.append(("HEALTH_DATA", herb_dose))
                herbs.append(HerbSpan("notes", start, start + len(item["herb"])))
    spans = locate(record, planted)
    # A herb name on its own line of the prescription is labelled once, whole.
    spans = [s for s in spans if not (s.path.startswith("prescription.") and not s.path.endswith(".herb"))]
    return LabelledRecord(
        record, spans, _language_of(record), _GENERATED_DOMAIN[sample.kind], sample.kind, herbs
    )


# --- extra shapes ----------------------------------------------------------------------------------


def _en_clinic(rng: random.Random, ident: str) -> LabelledRecord:
    b = _Builder()
    name, surname = _roman_name(rng)
    visit = _visit_date(rng)
    b.put("id", ident)
    b.put("clinic", pick(rng, ("Central Family Clinic", "Kowloon Medical Centre", "Taipa Health Clinic")))
    b.put("visit_date", visit.isoformat())
    b.put("patient.name", name, "PERSON")
    b.put("patient.hkid", ids.hkid(rng, brackets=rng.random() < 0.7), "HK_ID_CARD")
    b.put("patient.date_of_birth", _dob(rng, "en"), "DATE_OF_BIRTH")
    b.put("patient.mobile", ids.hk_phone(rng, international=rng.random() < 0.5), "PHONE_NUMBER")
    b.put("patient.email", _email(rng, surname), "EMAIL_ADDRESS")
    diagnosis = pick(rng, _DIAGNOSES)[2]
    b.put("diagnosis", diagnosis, "HEALTH_DATA")
    for index in range(between(rng, 1, 2)):
        b.put(f"labs.{index}", _lab(rng, _LABS_EN), "HEALTH_DATA")
    first, second = rng.sample(_SYMPTOMS, 2)
    drug, dose = pick(rng, _DRUGS_EN)
    notes = (
        _Text().add("Presented with ").pii("HEALTH_DATA", first[2]).add(" and ").pii("HEALTH_DATA", second[2])
    )
    notes.add(f" since {(visit - timedelta(days=between(rng, 2, 10))):%d %b}. ").pii(
        "HEALTH_DATA", "BP " + _bp(rng)
    )
    notes.add(". Started ").pii("HEALTH_DATA", f"{drug} {dose}").add(". Review in 2 weeks.")
    b.text("notes", notes)
    b.put("fee_hkd", f"{between(rng, 300, 1200)}.00")
    return b.done("en", "clinical", "en_clinic")


def _en_kyc(rng: random.Random, ident: str) -> LabelledRecord:
    b = _Builder()
    name, surname = _roman_name(rng)
    b.put("id", ident)
    b.put("opened_on", _visit_date(rng).isoformat())
    b.put("customer.full_name", name, "PERSON")
    b.put("customer.dob", _dob(rng, "en"), "DATE_OF_BIRTH")
    if rng.random() < 0.6:
        b.put("customer.id_document", ids.hkid(rng), "HK_ID_CARD")
    else:
        b.put("customer.passport_no", _passport(rng), "CN_PASSPORT")
    b.put("customer.phone", ids.hk_phone(rng), "PHONE_NUMBER")
    b.put("customer.email", _email(rng, surname), "EMAIL_ADDRESS")
    b.put("customer.address", _hk_address(rng, traditional=False), "LOCATION")
    b.put("card_number", _visa(rng), "CREDIT_CARD")
    b.put("employer_uscc", _uscc(rng), "CN_USCC")
    b.put("last_login_ip", _test_ip(rng), "IP_ADDRESS")
    remarks = _Text().add("Customer called from ").pii("PHONE_NUMBER", ids.hk_phone(rng))
    remarks.add(f" on {_visit_date(rng).isoformat()} about a limit of HKD {between(rng, 2, 50)},000.")
    b.text("remarks", remarks)
    b.put("risk_rating", pick(rng, ("low", "medium")))
    return b.done("en", "banking", "en_kyc")


def _en_claim(rng: random.Random, ident: str) -> LabelledRecord:
    b = _Builder()
    name, _ = _roman_name(rng)
    b.put("id", ident)
    b.put("claim_no", f"MC-{pick(rng, (2025, 2026))}-{below(rng, 10**6):06d}")
    b.put("claimant.name", name, "PERSON")
    b.put("claimant.macau_id", ids.macau_id(rng), "MO_ID_CARD")
    b.put("claimant.birth_date", _dob(rng, "en"), "DATE_OF_BIRTH")
    b.put("claimant.phone", ids.mo_phone(rng), "PHONE_NUMBER")
    b.put("claimant.address", _mo_address(rng, traditional=False), "LOCATION")
    b.put("hospital", pick(rng, _HOSPITALS_EN))
    b.put("admission_date", _visit_date(rng).isoformat())
    b.put("diagnosis", pick(rng, _DIAGNOSES)[2], "HEALTH_DATA")
    b.put("amount_mop", round(rng.uniform(800, 90_000), 2))
    return b.done("en", "insurance", "en_claim")


def _hk_clinic(rng: random.Random, ident: str) -> LabelledRecord:
    b = _Builder()
    name = chinese_name(rng, traditional=True).full
    b.put("id", ident)
    b.put("診所", pick(rng, ("旺角中醫診所", "灣仔中醫館", "荃灣中醫診所")))
    b.put("覆診日期", _visit_date(rng).isoformat())
    b.put("病人.姓名", name, "PERSON")
    b.put("病人.身份證號碼", ids.hkid(rng), "HK_ID_CARD")
    b.put("病人.出生日期", _dob(rng, "zh-Hant"), "DATE_OF_BIRTH")
    b.put("病人.電話", ids.hk_phone(rng, international=rng.random() < 0.5), "PHONE_NUMBER")
    b.put("病人.地址", _hk_address(rng, traditional=True), "LOCATION")
    b.put("診斷", pick(rng, _DIAGNOSES)[1], "HEALTH_DATA")
    b.put("證型", pick(rng, _SYNDROMES_HANT), "HEALTH_DATA")
    for index, symptom in enumerate(rng.sample(_SYMPTOMS, between(rng, 2, 3))):
        b.put(f"症狀.{index}", symptom[1], "HEALTH_DATA")
    b.text("處方", _Text().prescription(_prescription(rng, traditional=True), pick(rng, ("、", "，", " "))))
    if rng.random() < 0.6:
        b.put("化驗", _lab(rng, _LABS_HANT), "HEALTH_DATA")
    b.put("醫囑", pick(rng, ("水煎服，日一劑", "忌生冷", "七日後覆診")))
    return b.done("zh-Hant", "clinical", "hk_clinic")


def _mo_claim(rng: random.Random, ident: str) -> LabelledRecord:
    b = _Builder()
    name = chinese_name(rng, traditional=True).full
    b.put("id", ident)
    b.put("申請編號", f"MO-CLM-{below(rng, 10**7):07d}")
    b.put("申請日期", _visit_date(rng).isoformat())
    b.put("申請人.姓名", name, "PERSON")
    b.put("申請人.澳門身份證號碼", ids.macau_id(rng, old_form=rng.random() < 0.2), "MO_ID_CARD")
    b.put("申請人.出生日期", _dob(rng, "zh-Hant"), "DATE_OF_BIRTH")
    b.put("申請人.聯絡電話", ids.mo_phone(rng, international=rng.random() < 0.6), "PHONE_NUMBER")
    b.put("申請人.地址", _mo_address(rng, traditional=True), "LOCATION")
    b.put("醫院", pick(rng, _HOSPITALS_HANT))
    b.put("診斷", pick(rng, _DIAGNOSES)[1], "HEALTH_DATA")
    b.put("金額", f"MOP {rng.uniform(500, 80_000):,.2f}")
    remark = _Text().add("已核對澳門身份證正本，")
    if rng.random() < 0.5:
        remark.add("回鄉證").pii("HOME_RETURN_PERMIT", ids.home_return_permit(rng)).add("。")
    else:
        remark.add("資料齊全。")
    b.text("備註", remark)
    return b.done("zh-Hant", "insurance", "mo_claim")


def _hk_bank(rng: random.Random, ident: str) -> LabelledRecord:
    b = _Builder()
    person = chinese_name(rng, traditional=True)
    b.put("id", ident)
    b.put("分行", pick(rng, _BANK_BRANCHES_HANT))
    b.put("開戶日期", _visit_date(rng).isoformat())
    b.put("客戶.中文姓名", person.full, "PERSON")
    b.put("客戶.出生日期", _dob(rng, "zh-Hant"), "DATE_OF_BIRTH")
    if rng.random() < 0.5:
        b.put("客戶.身份證", ids.hkid(rng), "HK_ID_CARD")
    else:
        b.put("客戶.往來港澳通行證", _exit_permit(rng), "HK_MO_EXIT_PERMIT")
    b.put("客戶.手提電話", ids.hk_phone(rng), "PHONE_NUMBER")
    b.put("客戶.電郵", ids.email(rng, person.surname_pinyin), "EMAIL_ADDRESS")
    b.put("客戶.住址", _hk_address(rng, traditional=True), "LOCATION")
    b.put("銀聯卡號", ids.unionpay_card(rng), "CN_BANK_CARD")
    b.put("備註", "已核實入息證明")
    return b.done("zh-Hant", "banking", "hk_bank")


def _free_text(rng: random.Random, ident: str) -> LabelledRecord:
    style = below(rng, 5)
    text = _Text()
    language: Language
    if style == 0:
        language = "zh-Hans"
        name = chinese_name(rng).full
        symptoms = rng.sample(_SYMPTOMS, 2)
        born = ids.birth_date(rng)
        text.add("患者").pii("PERSON", name).add(f"，{pick(rng, ('男', '女'))}，出生日期")
        text.pii("DATE_OF_BIRTH", _dob(rng, language, born)).add("，身份证号")
        text.pii("CN_RESIDENT_ID", ids.prc_id(rng, born))
        text.add("。因").pii("HEALTH_DATA", symptoms[0][0]).add("、").pii("HEALTH_DATA", symptoms[1][0])
        text.add(f"{between(rng, 2, 9)}天于{_visit_date(rng).isoformat()}就诊。既往")
        text.pii("HEALTH_DATA", pick(rng, _DIAGNOSES)[0]).add("病史。查体：").pii(
            "HEALTH_DATA", "血压" + _bp(rng)
        )
        text.add("，").pii("HEALTH_DATA", _lab(rng, _LABS_HANS)).add("。中医辨证为")
        text.pii("HEALTH_DATA", pick(rng, vocab.SYNDROMES)).add("，处方：")
        text.prescription(_prescription(rng, traditional=False), "、").add("。联系电话")
        text.pii("PHONE_NUMBER", ids.cn_mobile(rng)).add("，住址").pii("LOCATION", _cn_address(rng)).add("。")
    elif style == 1:
        language = "zh-Hant"
        hk_person = chinese_name(rng, traditional=True)
        text.add("病人").pii("PERSON", hk_person.full).add("（身份證").pii("HK_ID_CARD", ids.hkid(rng)).add(
            "），"
        )
        text.pii("DATE_OF_BIRTH", _dob(rng, language)).add("出生，住").pii("LOCATION", _hk_address(rng, True))
        text.add(f"。{_visit_date(rng).month}月因").pii("HEALTH_DATA", pick(rng, _SYMPTOMS)[1]).add(
            "求診，診斷為"
        )
        text.pii("HEALTH_DATA", pick(rng, _DIAGNOSES)[1]).add("，處方：")
        text.prescription(_prescription(rng, traditional=True), "，").add("。如有查詢請致電")
        text.pii("PHONE_NUMBER", ids.hk_phone(rng)).add("或電郵").pii(
            "EMAIL_ADDRESS", ids.email(rng, hk_person.surname_pinyin)
        )
        text.add("。")
    elif style == 2:
        language = "en"
        name, surname = _roman_name(rng)
        symptom, diagnosis = pick(rng, _SYMPTOMS), pick(rng, _DIAGNOSES)
        text.pii("PERSON", name).add(" (HKID ").pii("HK_ID_CARD", ids.hkid(rng)).add(", born ")
        text.pii("DATE_OF_BIRTH", _dob(rng, language)).add(f") attended on {_visit_date(rng):%d %B %Y} with ")
        text.pii("HEALTH_DATA", symptom[2]).add(". Past history of ").pii("HEALTH_DATA", diagnosis[2])
        text.add(". ").pii("HEALTH_DATA", _lab(rng, _LABS_EN)).add(". Please call ")
        text.pii("PHONE_NUMBER", ids.hk_phone(rng)).add(" or write to ").pii(
            "EMAIL_ADDRESS", _email(rng, surname)
        )
        text.add(".")
    elif style == 3:
        language = "zh-Hans"
        person = chinese_name(rng)
        born = ids.birth_date(rng)
        text.add("客户").pii("PERSON", person.full).add("（身份证").pii(
            "CN_RESIDENT_ID", ids.prc_id(rng, born)
        )
        text.add(f"）于{_visit_date(rng).isoformat()}申请信用卡，还款卡号").pii(
            "CN_BANK_CARD", ids.unionpay_card(rng)
        )
        text.add("，预留手机").pii("PHONE_NUMBER", ids.cn_mobile(rng)).add("，邮箱")
        text.pii("EMAIL_ADDRESS", ids.email(rng, person.surname_pinyin)).add("，生日")
        text.pii("DATE_OF_BIRTH", _dob(rng, language, born)).add("，现住").pii(
            "LOCATION", _cn_address(rng)
        ).add("。")
    else:
        language = "zh-Hant"
        name = chinese_name(rng, traditional=True).full
        text.add("申請人").pii("PERSON", name).add("，澳門身份證").pii("MO_ID_CARD", ids.macau_id(rng))
        text.add("，出生日期").pii("DATE_OF_BIRTH", _dob(rng, language))
        text.add(f"，於{_visit_date(rng).isoformat()}在{pick(rng, _HOSPITALS_HANT)}確診")
        text.pii("HEALTH_DATA", pick(rng, _DIAGNOSES)[1]).add("，聯絡電話").pii(
            "PHONE_NUMBER", ids.mo_phone(rng)
        )
        text.add("。")
    b = _Builder()
    b.put("id", ident)
    b.put("source", pick(rng, ("call_centre", "email", "case_note")))
    b.text("text", text)
    return b.done(language, "free_text", "free_text")


def _bad_check(correct: str) -> str:
    return str((int(correct) + 3) % 10) if correct.isdigit() else "1"


def _failing_order_number(rng: random.Random) -> str:
    day = _visit_date(rng)
    first17 = f"{pick(rng, ('441900', '440300', '440100'))}{day:%Y%m%d}{below(rng, 1000):03d}"
    return first17 + _bad_check(ids.prc_id_check_char(first17))


def _failing_tracking_number(rng: random.Random, grouped: bool) -> str:
    length = pick(rng, (16, 19))
    prefix = "62" if rng.random() < 0.6 else str(between(rng, 3, 9))
    payload = prefix + f"{below(rng, 10 ** (length - 1 - len(prefix))):0{length - 1 - len(prefix)}d}"
    number = payload + _bad_check(ids.luhn_check_digit(payload))
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4)) if grouped else number


def _failing_hkid_shape(rng: random.Random) -> str:
    letter, digits = pick(rng, "ABCDEGHKMPRVYZ"), f"{below(rng, 10**6):06d}"
    correct = ids.hkid_check_char(letter, digits)
    wrong = pick(rng, [c for c in "0123456789A" if c != correct])
    return f"{letter}{digits}({wrong})"


def _clean_orders(rng: random.Random, ident: str) -> LabelledRecord:
    b = _Builder()
    english = rng.random() < 0.4
    moment = datetime.combine(_visit_date(rng), datetime.min.time()) + timedelta(seconds=below(rng, 86_400))
    b.put("id", ident)
    b.put("order_no" if english else "订单号", _failing_order_number(rng))
    b.put("tracking_no" if english else "运单号", _failing_tracking_number(rng, grouped=rng.random() < 0.3))
    b.put("part_no" if english else "零件号", _failing_hkid_shape(rng))
    b.put("created_at", moment.strftime("%Y-%m-%d %H:%M:%S"))
    b.put("updated_at", (moment + timedelta(hours=between(rng, 1, 72))).isoformat() + "+08:00")
    b.put("epoch", str(int(moment.timestamp())))
    b.put(
        "amount" if english else "金额",
        f"{pick(rng, ('¥', 'HK$', 'MOP '))}{rng.uniform(100, 9_999_999):,.2f}",
    )
    b.put("shipper" if english else "发货方", pick(rng, _SHIPPERS))
    b.put("container_no", f"{pick(rng, ('MSCU', 'OOLU', 'COSU'))}{below(rng, 10**7):07d}")
    b.put("hs_code", f"{between(rng, 1000, 9999)}.{between(rng, 10, 99)}.{below(rng, 10000):04d}")
    items = rng.sample(_PRODUCTS_EN if english else vocab.PRODUCTS, 2)
    for index, item in enumerate(items):
        b.put(f"items.{index}.description", item)
        b.put(f"items.{index}.sku", f"SKU-{below(rng, 10**8):08d}")
        b.put(f"items.{index}.quantity", between(rng, 1, 500) * 10)
    note = (
        f"Batch {moment:%Y%m%d}-{between(rng, 1, 40):03d} shipped {moment:%d %b %Y}, invoice total "
        f"{rng.uniform(1000, 99999):.2f}"
        if english
        else f"批次{moment:%Y%m%d}-{between(rng, 1, 40):03d}已于{moment:%Y年%m月%d日}发货，"
        f"发票金额{rng.uniform(1000, 99999):.2f}元"
    )
    b.put("note", note)
    b.put("remark", pick(rng, _TRICKY_EN if english else _TRICKY_ZH))
    return b.done("en" if english else "zh-Hans", "clean", "clean_orders")


def _clean_formulary(rng: random.Random, ident: str) -> LabelledRecord:
    """A formulary entry: a prescription that is no one's, so no health data (no data subject)."""
    b = _Builder()
    formula, items = pick(rng, _FORMULAS)
    b.put("id", ident)
    b.put("formula_code", f"TCM-F{below(rng, 10**4):04d}")
    b.put("formula", formula)
    b.text("composition", _Text().prescription(list(items), pick(rng, ("、", "，", " ")), subject=False))
    b.put("price_cny", round(rng.uniform(20, 90), 2))
    b.put("updated", _visit_date(rng).isoformat())
    return b.done("zh-Hans", "clean", "clean_formulary")


def _clean_herb_stock(rng: random.Random, ident: str) -> LabelledRecord:
    b = _Builder()
    b.put("id", ident)
    b.put("warehouse", pick(rng, ("佛山南海仓", "东莞虎门仓", "珠海保税仓")))
    for index, herb in enumerate(rng.sample(_HERBS, between(rng, 2, 4))):
        b.put(f"lines.{index}.item", herb[0])
        b.put(f"lines.{index}.origin", pick(rng, _HERB_ORIGINS))
        b.put(f"lines.{index}.qty_kg", between(rng, 5, 500))
        b.put(f"lines.{index}.unit_price", f"¥{rng.uniform(20, 400):.2f}/kg")
        b.put(f"lines.{index}.batch_no", f"{herb[0]}-{_visit_date(rng):%Y%m%d}-{between(rng, 1, 9):02d}")
    b.put("stocktake_at", _visit_date(rng).isoformat() + " 09:00:00")
    return b.done("zh-Hans", "clean", "clean_herb_stock")


def _clean_herb_batch(rng: random.Random, ident: str) -> LabelledRecord:
    """A herb batch crossing from a Dongguan factory to a Hong Kong trading house: a herb + dose list and
    a pharmacopoeia quality note, trade data with no data subject (zh-Hans, zh-Hant or English keys)."""
    b = _Builder()
    point = rng.random()
    language: Language = "zh-Hans" if point < 0.5 else "zh-Hant" if point < 0.75 else "en"
    traditional = language == "zh-Hant"
    herbs = _Text().prescription(
        _prescription(rng, traditional, 4, 6), pick(rng, ("，", "、", " ")), subject=False
    )
    batch = f"{between(rng, 1, 99)}"
    keys = {
        "zh-Hans": ("batch", "herbs", "supplier", "note"),
        "zh-Hant": ("批次", "藥材", "供應商", "備註"),
        "en": ("lot", "composition", "supplier", "qc_note"),
    }[language]
    b.put("id", ident)
    b.put(f"{keys[0]}.batch_no", f"YP{_visit_date(rng):%Y%m%d}-{batch}")
    b.text(f"{keys[0]}.{keys[1]}", herbs)
    b.put(f"{keys[0]}.{keys[2]}", pick(rng, _HERB_SUPPLIERS))
    b.put(f"{keys[0]}.{keys[3]}", pick(rng, _QC_NOTES[language]).format(batch=batch))
    b.put(f"{keys[0]}.qty_kg", between(rng, 20, 800))
    return b.done(language, "clean", "clean_herb_batch")


def _clean_catalogue(rng: random.Random, ident: str) -> LabelledRecord:
    """A medicine catalogue line or a pharmacopoeia monograph: what a product treats and how it is
    dosed, about no one (zh-Hans, zh-Hant or English)."""
    b = _Builder()
    point = rng.random()
    language: Language = "zh-Hans" if point < 0.4 else "zh-Hant" if point < 0.7 else "en"
    b.put("sku", f"CAT-{below(rng, 10**6):06d}")
    for key, value in pick(rng, _CATALOGUE[language]):
        b.put(key, value)
    b.put("price", f"{pick(rng, ('¥', 'HK$', 'MOP '))}{rng.uniform(12, 480):.2f}")
    return b.done(language, "clean", "clean_catalogue")


Shape = Callable[[random.Random, str], LabelledRecord]
_SHAPES: tuple[tuple[str, Shape | None, int], ...] = (
    ("generated", None, 40),
    ("en_clinic", _en_clinic, 6),
    ("en_kyc", _en_kyc, 5),
    ("en_claim", _en_claim, 3),
    ("hk_clinic", _hk_clinic, 6),
    ("mo_claim", _mo_claim, 4),
    ("hk_bank", _hk_bank, 4),
    ("free_text", _free_text, 14),
    ("clean_orders", _clean_orders, 10),
    ("clean_formulary", _clean_formulary, 4),
    ("clean_herb_stock", _clean_herb_stock, 4),
    ("clean_herb_batch", _clean_herb_batch, 4),
    ("clean_catalogue", _clean_catalogue, 3),
)
_TOTAL = sum(weight for _, _, weight in _SHAPES)


def _pick_shape(point: float) -> tuple[str, Shape | None]:
    for name, shape, weight in _SHAPES:
        if point < weight:
            return name, shape
        point -= weight
    return _SHAPES[-1][0], _SHAPES[-1][1]


def labelled_corpus(count: int, seed: int = 0) -> list[LabelledRecord]:
    """``count`` labelled records, the same ones for the same arguments (see the module docstring)."""
    if count < 0:
        raise ValueError("count must be >= 0")
    rng = random.Random(seed)
    generated = (from_sample(s) for s in generate(count, seed=seed, malformed_ratio=0.0))
    corpus: list[LabelledRecord] = []
    for index in range(count):
        name, shape = _pick_shape(rng.random() * _TOTAL)
        if shape is None:
            labelled = next(generated)
            if labelled is None:  # pragma: no cover - malformed_ratio is 0
                continue
            corpus.append(labelled)
        else:
            corpus.append(shape(rng, f"{name}-{seed}-{index}"))
    return corpus
