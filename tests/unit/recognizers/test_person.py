"""PERSON: Chinese names in both scripts, romanised Hong Kong / Macau names and English names; herbs,
places, organisations and everyday words are not names. Every name here is synthetic."""

from __future__ import annotations

import re

import pytest

from customs.samples.generator import generate
from detectors.classify import Classifier
from detectors.lexicon.name_cues import ENDS_IN_SURNAME
from detectors.lexicon.surnames import COMPOUND_SURNAMES, NOT_SINGLE_SURNAMES, SINGLE_SURNAMES
from detectors.recognizers.person import PersonRecognizer
from detectors.walker import walk_strings

pytestmark = pytest.mark.unit

RECOGNIZER = PersonRecognizer()
THRESHOLD = 0.5


def spans(text: str, hint: str = "") -> list[tuple[int, int]]:
    """The spans that count as findings, as the classifier would score them under field name ``hint``."""
    results = RECOGNIZER.analyze(text, ["PERSON"])
    return sorted((r.start, r.end) for r in results if RECOGNIZER.score_with_hint(r.score, hint) >= THRESHOLD)


def scores(text: str) -> dict[str, float]:
    return {text[r.start : r.end]: r.score for r in RECOGNIZER.analyze(text, ["PERSON"])}


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        # Chinese, free text: a cue word before, a title after, or a sex / age after.
        ("患者陈志明，男，45岁", "", [(2, 5)]),
        ("聯絡人：歐陽小慧", "", [(4, 8)]),
        ("客户王芳的邮箱wang.fang@example.cn", "", [(2, 4)]),
        ("患者王芳复诊，嘱清淡饮食。", "", [(2, 4)]),
        ("患者王芳诉头痛三天", "", [(2, 4)]),
        ("如有不适请联系陈志明，电话13800138000。", "", [(7, 10)]),
        ("投保人：司徒嘉欣", "", [(4, 8)]),
        ("申請人 黃錦榮", "", [(4, 7)]),
        ("被保险人为李月华。", "", [(5, 8)]),
        ("陈志明先生已出院", "", [(0, 3)]),
        ("主診醫生：鍾家俊", "", [(5, 8)]),
        ("陈志明，男，45岁，因胃脘痛就诊", "", [(0, 3)]),
        ("联系人：王芳、李明", "", [(4, 6), (7, 9)]),
        ("Name: 陈志明", "", [(6, 9)]),
        ("患者王国俊复诊", "", [(2, 5)]),  # 王国 is a word, 王国俊 a name
        # The subject of a clinical note's sentence, relatives, roles, bed numbers, titles.
        ("陈志强今日复诊，诉胸闷减轻", "", [(0, 3)]),
        ("林美玲覆診，訴經行腹痛", "", [(0, 3)]),
        ("陈平服药后诉脘腹胀满", "", [(0, 2)]),
        ("血壓 142/88，余志華稱最近少做運動", "", [(10, 13)]),
        ("14:20王丽华来电咨询", "", [(5, 8)]),
        ("葉振邦於凌晨送院", "", [(0, 3)]),
        ("其子葉俊朗已簽署同意書", "", [(2, 5)]),
        ("另嘱何秀梅之夫许国梁监督服药", "", [(2, 5), (7, 10)]),
        ("外婆蕭玉蓮六十歲時確診乳癌", "", [(2, 5)]),
        ("患儿刘子涵，出生于2019年", "", [(2, 5)]),
        ("床12 陳嘉欣、床14 黃志偉 均為術後第一天", "", [(4, 7), (12, 15)]),
        ("由張詠琪姑娘交予李凱琳姑娘跟進", "", [(1, 4), (8, 11)]),
        ("参加者：胡振东主任、诸葛明辉、上官婉清", "", [(4, 7), (10, 14), (15, 19)]),
        ("记录者：韦小燕/审核：莫振华", "", [(4, 7), (11, 14)]),
        ("客：你好，我係梁少芬，想查下保單", "", [(7, 10)]),
        # Chinese, a whole field value.
        ("陈志明", "", [(0, 3)]),
        ("王芳", "", [(0, 2)]),
        ("歐陽小慧", "", [(0, 4)]),
        (" 陳大文 ", "patient", [(1, 4)]),
        ("诸葛明", "name", [(0, 3)]),
        ("高明", "name", [(0, 2)]),  # an everyday word or a place counts only under a name field
        ("陈志明（复诊）", "name", [(0, 3)]),
        # Romanised Hong Kong / Macau names and English names.
        ("Patient CHAN Tai-man was seen", "", [(8, 20)]),
        ("Chan Tai Man", "", [(0, 12)]),
        ("CHAN, Tai Man", "", [(0, 13)]),
        ("Wong Siu Ming", "", [(0, 13)]),
        ("Ho Ka Wai", "", [(0, 9)]),
        ("LEONG Weng Ian", "", [(0, 14)]),
        ("Tai Man CHAN", "", [(0, 12)]),
        ("Peter Chan Tai-man", "", [(0, 18)]),
        ("聯絡人：CHAN Siu Ming", "", [(4, 17)]),
        ("Mary Johnson", "", [(0, 12)]),
        ("Dr. Peter Smith will call", "", [(4, 15)]),
        ("Contact: Mary Ann Lee, 5123 4567", "", [(9, 21)]),
        ("Zhang Wei", "customer", [(0, 9)]),
        ("Winnie Kwok Weng Hong attended today", "", [(0, 21)]),
        # Possessives, Portuguese names, relatives and beds in English, booking and DICOM forms.
        ("my son Lam Chun Hei's inhaler", "", [(7, 19)]),
        ("José Carlos Gomes da Rosa", "", [(0, 17)]),
        ("Dr. António Manuel Pereira", "", [(4, 26)]),
        ("Wife Sun Lihua informed", "", [(5, 14)]),
        ("Bed 5 Lo Wai Kwan - DKA", "", [(6, 17)]),
        ("ZHANG/WEI MR", "", [(0, 9)]),
        ("NAME:HO/CHUN YIN|EXP:2031", "", [(5, 16)]),
        ("WONG^SIU^MING", "", [(0, 13)]),
        # A Han name in an English sentence; a name with an identity number in brackets after it.
        ("Referred to Shenzhen for 李静怡 (Li Jingyi) last week", "", [(25, 28), (30, 39)]),
        ("Pt 鍾家樂 c/o SOB", "", [(3, 6)]),
        ("溫志強（K382915(1)）到診", "", [(0, 3)]),
    ],
)
def test_found(text: str, hint: str, expected: list[tuple[int, int]]) -> None:
    assert spans(text, hint) == expected


def found_names(text: str, hint: str = "") -> list[str]:
    return [text[start:end] for start, end in spans(text, hint)]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # A role or post before the name (zh-Hans and zh-Hant).
        ("记者王吉瑛报道", ["王吉瑛"]),
        ("所长毛寿龙说，", ["毛寿龙"]),
        ("記者黃偉倫報道", ["黃偉倫"]),
        ("据主任陈立新介绍", ["陈立新"]),
        ("總監林嘉慧表示", ["林嘉慧"]),
        ("主持人何静怡宣布", ["何静怡"]),
        ("實習生鄭子軒協助", ["鄭子軒"]),
        ("市委常委赵文山出席", ["赵文山"]),
        ("经理周建明负责", ["周建明"]),
        ("院長梁國華致辭", ["梁國華"]),
        ("教授方明远指出", ["方明远"]),
        ("律師馮志強代表", ["馮志強"]),
        ("老师刘思雨布置", ["刘思雨"]),
        ("董事长许伟成宣布", ["许伟成"]),
        ("总裁余志华认为", ["余志华"]),
        ("部长魏国平会见", ["魏国平"]),
        ("局长孙海涛视察", ["孙海涛"]),
        ("书记郭建新强调", ["郭建新"]),
        ("會長蔡德明致辭", ["蔡德明"]),
        ("秘书长邓立群介绍", ["邓立群"]),
        ("副总经理谭永平透露", ["谭永平"]),
        ("發言人馬嘉欣稱", ["馬嘉欣"]),
        ("编辑宋雨桐 通讯员韩晓东", ["宋雨桐", "韩晓东"]),
        ("转介物理治療師區詠恩。", ["區詠恩"]),
        ("记者王芳报道", ["王芳"]),  # 报道 ends the name, it does not continue it
        # A reporting verb after a name that opens a clause.
        ("张伟表示，项目进展顺利", ["张伟"]),
        ("李志明说，明天开会", ["李志明"]),
        ("陳家豪認為，方案可行", ["陳家豪"]),
        ("黄丽华透露，合同已签", ["黄丽华"]),
        ("何俊杰強調，安全第一", ["何俊杰"]),
        # @-mentions whose handle is a whole name.
        ("@王小明 周末一起去爬山吗", ["王小明"]),
        ("转发 @陳美玲：好靚", ["陳美玲"]),
        # A bare surname before 先生 / 小姐 / 女士 / 太太, and Cantonese 生 / 姐 / 太.
        ("王先生", ["王"]),
        ("谢谢陈先生", ["陈"]),
        ("市民王先生反映", ["王"]),
        ("林小姐已签收", ["林"]),
        ("欧阳女士来电", ["欧阳"]),
        ("陳太", ["陳"]),
        ("搵陳生", ["陳"]),
        ("同李姐講一聲", ["李"]),
        # A bracket between the name and the sex; a phone number in brackets after the name.
        ("韩文武（离任）：男", ["韩文武"]),
        ("电话随访谭志刚（139 2875 4106），自述心悸", ["谭志刚"]),
        # Markers after the name: 本人, 之妻, a greeting.
        ("建議鄧凱婷本人接受檢測", ["鄧凱婷"]),
        ("【通知】區嘉怡你好，文件已準備好", ["區嘉怡"]),
        # Surnames the lexicon lacked, compound ones, and given names with 时 能 升 炎.
        ("患者司文杰复诊", ["司文杰"]),
        ("联系人：奎永福", ["奎永福"]),
        ("客户怀晓敏", ["怀晓敏"]),
        ("患者曲志红", ["曲志红"]),
        ("投保人：公丽娟", ["公丽娟"]),
        ("致電病人招偉雄", ["招偉雄"]),
        ("申请人：闾丘明远", ["闾丘明远"]),
        ("患者李时珍复诊", ["李时珍"]),
        ("患者陈能复诊", ["陈能"]),
        ("联系人：张升", ["张升"]),
        ("患者王炎", ["王炎"]),
    ],
)
def test_cheap_gaps_found(text: str, names: list[str]) -> None:
    assert found_names(text) == names


def test_married_name_under_a_name_field() -> None:
    assert found_names("司徒陳美鳳", "beneficiary_name") == ["司徒陳美鳳"]
    assert found_names("陳李美華", "name") == ["陳李美華"]
    assert found_names("陳李美華") == []  # without the field name it is only a hint


@pytest.mark.parametrize(
    "text",
    [
        # 任 / 曾 before a post or a verb: a career, not a name.
        "任副总经理",
        "他曾任职于一家银行",
        "2008年起任财务总监",
        "曾获优秀员工称号",
        "現任公司總經理",
        # Organisation fragments.
        "浙江大学教授",
        "浙江大学",
        "北京市金杜律师事务所",
        "金杜律师事务所合伙人",
        "東莞市長安精密五金廠",
        "擔任本公司總經理",
        # Zodiac signs and brands.
        "我是水瓶座",
        "我是雙魚座的",
        "周大福",
        "周生生",
        "李锦记",
        # Words that end in a surname character, and prepositions.
        "当时先生远在重庆",
        "谢谢先生的帮助",
        "负责人向美方介绍情况",
        "全套小说",
        "注意卫生。",
        "300万人因此受益",
        "取穴：风池、曲池、合谷",
        "已经理解并同意",
        "已怀孕三个月",
        "律师费为5000元",
    ],
)
def test_cheap_gaps_not_found(text: str) -> None:
    assert found_names(text) == []


def test_brand_under_a_brand_field() -> None:
    assert found_names("周大福", "brand") == []
    assert found_names("周大福", "retailer_brands") == []


def test_every_hundred_family_surname_is_listed_or_left_out_on_purpose() -> None:
    single = (
        "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方"
        "俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧"
        "计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫"
        "经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓"
        "牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙"
        "池乔阴鬱胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍郤璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容"
        "向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰"
        "巢关蒯相查后荆红游竺权逯盖益桓公晋楚闫法汝鄢涂钦岳帅缑亢况郈有琴佘佴墨哈谯笪年爱阳佟言福"
    )
    compound = """
        万俟 司马 上官 欧阳 夏侯 诸葛 闻人 东方 赫连 皇甫 尉迟 公羊 澹台 公冶 宗政 濮阳 淳于 单于 太叔
        申屠 公孙 仲孙 轩辕 令狐 钟离 宇文 长孙 慕容 鲜于 闾丘 司徒 司空 亓官 司寇 子车 颛孙 端木 巫马
        公西 漆雕 乐正 壤驷 公良 拓跋 夹谷 宰父 谷梁 段干 东郭 归海 羊舌 微生 梁丘 左丘 商牟 伯赏 南宫
    """
    assert [c for c in single if c not in SINGLE_SURNAMES | NOT_SINGLE_SURNAMES] == []
    assert not SINGLE_SURNAMES & NOT_SINGLE_SURNAMES
    assert [c for c in compound.split() if c not in COMPOUND_SURNAMES] == []
    assert {"司", "奎", "怀", "曲", "公", "招"} <= SINGLE_SURNAMES


def test_words_ending_in_a_surname_end_in_one() -> None:
    assert [word for word in ENDS_IN_SURNAME if word[-1] not in SINGLE_SURNAMES] == []


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        # A prescription, and herbs as whole values (even under a name field).
        ("陈皮9g 黄芪15g 白术12g 何首乌10g 金银花12g", ""),
        ("方中陈皮9g，忌辛辣生冷。", "notes"),
        ("陳皮 黃芪 白朮 何首烏 金銀花 各10g", ""),
        ("陈皮", "name"),
        ("黄芪", "herb"),
        ("何首乌", "name"),
        ("金银花", ""),
        ("白术", ""),
        ("黃連", "name"),
        ("王不留行", "name"),
        ("刘寄奴", "name"),
        ("徐长卿", ""),
        ("杜仲", ""),
        ("连翘", ""),
        ("桂枝", ""),
        ("麦冬", ""),
        ("石斛", ""),
        ("苏叶", ""),
        ("钱草", ""),
        # TCM terms, syndromes, departments, diagnoses.
        ("肝郁脾虚证", "syndrome"),
        ("湿热蕴脾证", ""),
        ("针灸科", "department"),
        ("内科", ""),
        ("高血壓", "diagnosis"),
        ("患者高血压病史5年", ""),
        ("患者常规检查未见异常", ""),
        ("患者周一复诊", ""),
        ("患者于今日复诊", ""),
        ("患者曾于2020年行手术", ""),
        # Hospitals, banks, companies.
        ("珠海市人民医院", "hospital"),
        ("澳門仁伯爵綜合醫院", ""),
        ("鏡湖醫院", ""),
        ("黄埔医院", "hospital_name"),
        ("香港中環分行", "branch"),
        ("深圳南山支行", ""),
        ("东莞市华达电子有限公司", "shipper"),
        ("林氏贸易公司", ""),
        # Places, alone or as a whole value.
        ("广州", ""),
        ("江门", "city"),
        ("黄埔区", ""),
        ("金湾", ""),
        ("澳門", ""),
        # Everyday words that begin with a surname character.
        ("高血压", ""),
        ("周一", ""),
        ("黄色", ""),
        ("白色", ""),
        ("方法", ""),
        ("常规", ""),
        ("明显", ""),
        ("安全", "status"),
        ("温度", ""),
        ("金额", ""),
        ("高危", ""),
        ("马上", ""),
        ("石头", ""),
        ("林业", ""),
        ("田地", ""),
        ("王府井", ""),
        # Sentence openers that are words, not names, before a narrative word.
        ("明日复诊", ""),
        ("周一复诊，今日诉头痛", ""),
        ("白天诉头晕", ""),
        ("方法：今日起服药", ""),
        # Latin script: places, roads, organisations, months.
        ("Flat A, 10/F, 600 Nathan Road, Mong Kok, Kowloon", ""),
        ("Wong Tai Sin", ""),
        ("Ho Man Tin", ""),
        ("Lee Garden Road", ""),
        ("Queen Mary Hospital", ""),
        ("Tung Wah Hospital", ""),
        ("Pearl Delta Sourcing Ltd.", ""),
        ("Harbour Link Trading Ltd.", ""),
        ("Kwai Tsing Container Terminals", ""),
        ("Sun Hung Kai Properties", ""),
        ("Hong Kong", ""),
        ("May 2025", ""),
        ("SHIP TO/HK DEPOT", ""),  # capitals around a slash that are no surname
        ("Chai Hu 9g, Bai Shao 12g, Dang Gui 10g", ""),  # herbs in pinyin, with their doses
        ("diagnosed with 高血压 in 2019", ""),
        ("Prescribed 陈皮 9g and 黄芪 15g", ""),
        ("GZTCM-D0001", "doctor_id"),
    ],
)
def test_not_found(text: str, hint: str) -> None:
    assert spans(text, hint) == []


@pytest.mark.parametrize(
    ("text", "name", "low", "high"),
    [
        ("王芳的报告已出", "王芳", 0.0, THRESHOLD),  # no cue: below the threshold
        ("王芳因头痛就诊", "王芳", 0.6, 1.0),  # the subject of a clinical note's sentence
        ("陈志明、王芳", "陈志明", 0.0, THRESHOLD),
        ("陈志明，男", "陈志明", 0.6, 1.0),  # a sex after the name is a cue
        ("患者陈志明", "陈志明", 0.6, 1.0),
        ("陈志明", "陈志明", 0.6, 1.0),  # a whole value
        ("王亓", "王亓", 0.0, THRESHOLD),  # a two-character value with an unusual given character
        ("安全", "安全", 0.0, 0.2),  # an everyday word: only a name field lifts it
        ("Chan Wing", "Chan Wing", 0.0, THRESHOLD),  # surname + one syllable
    ],
)
def test_scores(text: str, name: str, low: float, high: float) -> None:
    assert low <= scores(text)[name] < high


def test_name_field_lifts_an_uncued_name() -> None:
    assert spans("王芳的报告已出") == []
    assert spans("王芳的报告已出", "patient_note") == [(0, 2)]


def test_record(classifier: Classifier) -> None:
    record = {
        "patient": {"name": "陈志明", "gender": "男"},
        "prescription": [{"herb": "陈皮", "dose": "9g"}, {"herb": "何首乌", "dose": "10g"}],
        "notes": "方中陈皮9g，忌辛辣生冷。如有不适请联系王芳。",
        "hospital": "珠海市人民医院",
        "department": "针灸科",
        "claimant": {"name": "歐陽小慧", "contact": "CHAN Tai-man"},
    }
    findings = [f for f in classifier.classify(record) if f.entity == "PERSON"]
    assert [(f.path, f.start, f.end) for f in findings] == [
        ("patient.name", 0, 3),
        ("notes", 20, 22),
        ("claimant.name", 0, 4),
        ("claimant.contact", 0, 12),
    ]


def _strings(record: object) -> dict[str, str]:
    return {path: text for path, text, _ in walk_strings(record)}


def test_generator_planted_names_are_found(classifier: Classifier) -> None:
    planted = found = 0
    planted_addresses = found_addresses = 0
    herb_hits: list[str] = []
    supply_chain_hits: list[str] = []
    for sample in generate(3000, seed=0):
        if sample.record is None:
            continue
        texts = _strings(sample.record)
        findings = classifier.classify(sample.record)
        values = {(f.entity, texts[f.path][f.start : f.end]) for f in findings}
        for entity, value in sample.pii:
            if entity == "PERSON":
                planted += 1
                found += (entity, value) in values
            elif entity == "LOCATION":
                planted_addresses += 1
                found_addresses += (entity, value) in values
        herb_hits += [
            texts[f.path]
            for f in findings
            if f.entity == "PERSON" and re.fullmatch(r"prescription\.\d+\.herb", f.path)
        ]
        if sample.kind == "supply_chain":
            supply_chain_hits += [
                texts[f.path][f.start : f.end] for f in findings if f.entity in ("PERSON", "LOCATION")
            ]
    assert planted > 1000
    assert found / planted >= 0.97, f"{found}/{planted} planted names found"
    if planted_addresses:
        assert found_addresses / planted_addresses >= 0.90
    assert herb_hits == []
    assert supply_chain_hits == []
