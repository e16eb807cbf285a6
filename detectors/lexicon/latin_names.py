"""Latin-script names: romanised Chinese surnames (Hong Kong, Macau, pinyin), English first names, and
capitalised words that are not surnames."""

from __future__ import annotations

from detectors.lexicon.wordlist import word_set

# Romanised surnames, lower case: Hong Kong (Chan, Wong, Cheung ...), Macau (Leong, Cheong, Ieong, Vong ...)
# and pinyin (Zhang, Wang ...). Compound surnames are written without a space (au yeung -> "auyeung").
ROMANISED_SURNAMES: frozenset[str] = word_set(
    """
    chan wong lee li cheung lau ng ho leung lam tsang yip ip cheng kwok tang chow chau yeung mak fung lo
    tam choi tsoi hui siu kwan ma chu so ko tse law au yau yu luk poon pun chiu lai fong sin cheuk chung
    kwong tong tsui yuen wan man mok shek kong liu lui lok kam hung to tung yiu fok fan chin ching cho
    choy chui hau hing keung kok kung kwai lao lei leong lio lou loi lum mo mui nip sham sit sze szeto
    seto wu yim yan yee yung yuan ngai ngan chong chok ieong iong cheong chao kuok sio vong sou chou kou
    un iu leng ao hoi ku kuan tso chiang tsai shum auyeung ouyang sima situ zhuge shangguan zhang wang
    chen yang huang zhao zhou xu sun zhu hu guo he lin luo gao zheng liang xie song han deng feng cao
    peng zeng xiao tian dong pan cai jiang du ye wei su lyu lv ding ren lu yao shen zhong cui tan liao
    shi jin jia xia fu fang zou xiong bai meng qin qiu hou yin xue duan long tao mao hao gu gong shao
    qian dai xiang chang kang yi qiao wen
    """
)

# Surnames that are also English words: a name starting with one scores lower unless written in capitals.
AMBIGUOUS_SURNAMES: frozenset[str] = frozenset(
    {"so", "to", "man", "ma", "he", "yu", "wan", "lo", "long", "sun", "sit", "mo", "lum"}
)

# English words that are also Cantonese or pinyin syllables: as a given name they lower the score.
ENGLISH_SYLLABLES: frozenset[str] = word_set(
    """
    a i an am as at be by do go he if in is it me my no of on or so to up us we can ran ten hot pot top
    pin sit hit ham him hip yes see yet let get set pet bet big dig mat sat bat hat cat pay way day say
    may hay key tea sea hey new now how who why cut hut but put out our win din mom son fun run fat
    """
)

# Common English first names, lower case.
FIRST_NAMES: frozenset[str] = word_set(
    """
    james john robert michael william david richard joseph thomas charles christopher daniel matthew
    anthony mark donald steven paul andrew joshua kenneth kevin brian george timothy ronald edward jason
    jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin scott brandon benjamin samuel
    gregory alexander frank patrick raymond jack dennis jerry tyler aaron jose adam nathan henry douglas
    zachary peter kyle walter ethan jeremy harold keith christian roger noah gerald carl terry sean
    austin arthur lawrence jesse dylan bryan joe jordan billy bruce albert willie gabriel logan alan
    juan wayne roy ralph randy eugene vincent russell elijah louis bobby philip johnny alex alvin andy
    ben bill bob calvin chris colin dan danny derek dominic edmund edwin eddie felix francis fred
    frederick geoffrey gordon harry howard hugo ian isaac ivan jackie jimmy joel ken kelvin kenny leo
    leon leonard lewis martin marcus max mike nelson nick oliver oscar owen ray rex ricky rick ronnie
    sam simon stanley steve terence tim toby tom tommy tony victor wilson winston alfred ambrose anson
    benny bosco cyrus desmond dickson eason ernest gilbert godfrey herman hector jacky sunny wilfred
    wallace gavin jeff marco mario sammy mary patricia jennifer linda elizabeth barbara susan jessica
    sarah karen lisa nancy betty margaret sandra ashley kimberly emily donna michelle carol amanda
    dorothy melissa deborah stephanie rebecca sharon laura cynthia kathleen amy angela shirley anna
    brenda pamela emma nicole helen samantha katherine christine debra rachel carolyn janet catherine
    maria heather diane ruth julie olivia joyce virginia victoria kelly lauren christina joan evelyn
    judith megan andrea cheryl hannah jacqueline martha gloria teresa ann sara frances kathryn janice
    jean abigail alice judy sophia grace denise doris marilyn danielle beverly isabella theresa diana
    natalie charlotte marie kayla agnes annie bonnie carmen cecilia cherry connie eileen elaine ella
    ellen esther eva fanny fiona florence gigi gladys irene ivy jane jenny joanna josephine katie kitty
    lily lucy mabel maggie mandy mavis monica peggy phoebe polly queenie rita rosa ruby sally sandy
    selina sophie stella sylvia tammy tina vanessa vera vicky vivian wendy winnie yvonne zoe bella coco
    heidi joey kathy carrie cindy jasmine
    josé antonio antónio manuel carlos ricardo fernando fernanda paula ana joao joão pedro paulo luis
    luís miguel rui nuno filipe sofia ines inês beatriz mariana catarina isabel conceicao conceição
    fatima fátima alberto francisco jorge vitor vítor helena lucia lúcia augusto eduardo henrique
    """
)

# Capitalised words that follow a first name or a surname but make it something else (a road, a firm,
# a hospital, a month ...), lower case.
NOT_SURNAMES: frozenset[str] = word_set(
    """
    road rd street st avenue ave lane path drive terrace crescent square circuit boulevard highway way
    close court place park garden gardens estate centre center building bldg tower plaza mall market
    hospital clinic bank hotel house hall harbour harbor bay port terminal terminals station airport
    bridge tunnel river lake hill hills mountain peak island delta valley beach village town city
    district trading ltd limited company co corp corporation group holdings inc international industrial
    industries electronics logistics sourcing link services school college university institute academy
    church temple kowloon macau macao china chinese english card visa mastercard unionpay express
    medical health insurance life mansion villa villas heights container containers shipping freight
    cargo line lines airlines air sea ocean pacific asia the and or of for with from to in on at by is
    was are be has had will can may not no yes new old properties property development developments
    investment investments enterprise enterprises motors foods pharmaceutical garment garments textile
    textiles jewellery restaurant cafe bakery monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december dept department
    office ward unit block flat floor room
    """
)

# Words after which a Latin-script name is expected (lower case, matched as whole words).
LATIN_CUES: tuple[str, ...] = (
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "madam",
    "sir",
    "dear",
    "attn",
    "patient",
    "customer",
    "client",
    "claimant",
    "contact",
    "applicant",
    "insured",
    "beneficiary",
    "guardian",
    "name",
    "signed",
    "holder",
    "cardholder",
    "employee",
    "staff",
    "doctor",
    "nurse",
    "consignee",
    "recipient",
    "sender",
    "pt",
    "bed",
    "wife",
    "husband",
    "son",
    "daughter",
    "mother",
    "father",
    "brother",
    "sister",
    "nephew",
    "niece",
    "relative",
    "regards",
    "sincerely",
)
