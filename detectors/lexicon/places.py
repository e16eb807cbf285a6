"""Place names of the Greater Bay Area (both scripts, and the romanised Hong Kong and Macau names)."""

from __future__ import annotations

from detectors.lexicon.wordlist import phrase_set, word_set

# Provinces, GBA cities, districts, towns and neighbourhoods. A bare place is not an address, nor a name.
PLACES: frozenset[str] = word_set(
    """
    广东 廣東 广东省 廣東省 广州 廣州 广州市 廣州市 深圳 深圳市 珠海 珠海市 佛山 佛山市 惠州 惠州市 东莞
    東莞 东莞市 東莞市 中山 中山市 江门 江門 江门市 江門市 肇庆 肇慶 肇庆市 肇慶市 香港 澳门 澳門 中国
    中國 内地 內地 大陆 大陸 北京 上海 天津 重庆 重慶 广西 廣西 福建 湖南 江西 海南 天河 天河区 天河區
    越秀 越秀区 越秀區 海珠 海珠区 海珠區 荔湾 荔灣 荔湾区 荔灣區 白云 白雲 白云区 白雲區 黄埔 黃埔
    黄埔区 黃埔區 番禺 番禺区 番禺區 花都 花都区 花都區 南沙 南沙区 南沙區 从化 從化 从化区 從化區 增城
    增城区 增城區 福田 福田区 福田區 罗湖 羅湖 罗湖区 羅湖區 南山 南山区 南山區 宝安 寶安 宝安区 寶安區
    龙岗 龍崗 龙岗区 龍崗區 盐田 鹽田 盐田区 鹽田區 龙华 龍華 龙华区 龍華區 坪山 坪山区 坪山區 光明
    光明区 光明區 大鹏 大鵬 大鹏新区 大鵬新區 前海 蛇口 科技园 科技園 华强北 華強北 香洲 香洲区 香洲區
    斗门 斗門 斗门区 斗門區 金湾 金灣 金湾区 金灣區 横琴 橫琴 拱北 吉大 唐家湾 唐家灣 禅城 禪城 南海
    顺德 順德 三水 高明 惠城 惠阳 惠陽 蓬江 江海 新会 新會 台山 开平 開平 鹤山 鶴山 恩平 端州 鼎湖 高要
    四会 四會 石岐 莞城 南城 东城 東城 万江 萬江 长安 長安 虎门 虎門 松山湖 常平 樟木头 樟木頭 塘厦 塘廈
    清溪 凤岗 鳳崗 黄江 黃江 谢岗 謝崗 石碣 石龙 石龍 石排 茶山 寮步 大朗 大岭山 大嶺山 厚街 沙田 道滘
    洪梅 麻涌 望牛墩 中堂 高埗 中西区 中西區 湾仔 灣仔 东区 東區 南区 南區 油尖旺 深水埗 九龙城 九龍城
    黄大仙 黃大仙 观塘 觀塘 葵青 荃湾 荃灣 屯门 屯門 元朗 北区 北區 大埔 西贡 西貢 离岛 離島 九龙 九龍
    新界 港岛 港島 香港岛 香港島 陈家祠 陳家祠 东方明珠 東方明珠 旺角 尖沙咀 铜锣湾 銅鑼灣 中环 中環
    上环 上環 西环 西環 北角 鲗鱼涌 鰂魚涌 太古 太古城 柴湾 柴灣 筲箕湾 筲箕灣 将军澳 將軍澳 红磡 紅磡
    土瓜湾 土瓜灣 何文田 九龙塘 九龍塘 长沙湾 長沙灣 荔枝角 美孚 葵涌 青衣 天水围 天水圍 大围 大圍 火炭
    马鞍山 馬鞍山 东涌 東涌 油麻地 佐敦 金钟 金鐘 薄扶林 香港仔 鸭脷洲 鴨脷洲 赤柱 浅水湾 淺水灣 蓝田
    藍田 牛头角 牛頭角 九龙湾 九龍灣 钻石山 鑽石山 乐富 樂富 慈云山 慈雲山 秀茂坪 油塘 坚尼地城 堅尼地城
    西营盘 西營盤 跑马地 跑馬地 大坑 天后 炮台山 炮臺山 黄竹坑 黃竹坑 上水 粉岭 粉嶺 石硖尾 石硤尾 马湾
    馬灣 愉景湾 愉景灣 澳门半岛 澳門半島 氹仔 路环 路環 路氹 新马路 新馬路 高士德 黑沙环 黑沙環 祐汉
    祐漢 水坑尾 南湾 南灣 西湾 西灣 下环 下環 沙梨头 沙梨頭 望厦 望廈 关闸 關閘 筷子基 青洲 林茂塘
    白鸽巢 白鴿巢 荷兰园 荷蘭園 花地玛堂区 花地瑪堂區 圣安多尼堂区 聖安多尼堂區 大堂区 大堂區 望德堂区
    望德堂區 风顺堂区 風順堂區 嘉模堂区 嘉模堂區
    """
)


# Romanised Hong Kong and Macau places that read like a Cantonese name (Wong Tai Sin, Ho Man Tin ...),
# lower case, single spaces.
LATIN_PLACES: frozenset[str] = phrase_set(
    """
    hong kong, kowloon, new territories, macau, macao, taipa, coloane, cotai, central, admiralty,
    mid-levels, the peak, stanley, aberdeen, jordan, prince edward, lantau island, lamma island, wong tai sin,
    wong chuk hang, ho man tin, lam tin, lai chi kok, lai king, yau ma tei, yau tong, yau yat chuen,
    ma on shan, ma wan, ma tau wai, ma liu shui, choi hung, cheung sha wan, cheung chau, sai wan ho,
    lo wu, lok ma chau, lok fu, fo tan, tai wai, tai koo, tai koo shing, tai po, tai hang, tai o,
    tai kok tsui, tai wo, siu sai wan, siu lam, sham shui po, shek kip mei, shek o, shek tong tsui,
    shek mun, shek lei, kam tin, tung chung, wu kai sha, chung hom kok, to kwa wan, hung hom, lei tung,
    lei yue mun, so uk, so kon po, lau fau shan, yuen long, tin shui wai, tuen mun, tsuen wan, kwai chung,
    kwai fong, kwai tsing, tsing yi, sai kung, tseung kwan o, hang hau, po lam, kwun tong, ngau tau kok,
    mong kok, tsim sha tsui, yau tsim mong, sheung wan, sheung shui, sai ying pun, ap lei chau,
    pok fu lam, kennedy town, causeway bay, wan chai, north point, quarry bay, chai wan, shau kei wan,
    fanling, sha tin, lam tsuen, ho chung, kowloon tong, kowloon bay, kowloon city, san po kong,
    diamond hill, tsz wan shan, sau mau ping, ngau chi wan, mei foo, discovery bay, lantau, cheung kong,
    hang seng, wing lung, chong hing, tung wah, kwong wah, yan chai, pok oi, ilha verde, fai chi kei,
    san kio, ha van, hac sa, seac pai van, areia preta, toi san, patane, san ma lo, nam van, sai van,
    mong ha
    """
)

# What follows a name of an organisation or a place: a surname character in front of these is not a name.
ORGANISATION_SUFFIXES: tuple[str, ...] = tuple(
    word_set(
        """
        医院 醫院 卫生院 衛生院 诊所 診所 门诊 門診 医疗 醫療 中医 中醫 公司 集团 集團 银行 銀行 分行 支行
        大学 大學 学院 學院 中学 中學 小学 小學 学校 學校 幼儿园 幼兒園 药房 藥房 药店 藥店 商行 酒店 酒家
        饭店 飯店 餐厅 餐廳 大厦 大廈 广场 廣場 花园 花園 中心 商场 商場 市场 市場 超市 工厂 工廠 有限 控股
        保险 保險 证券 證券 基金 协会 協會 委员会 委員會 政府 法院 检察院 檢察院 派出所 公安 街道 社区 社區
        居委会 村委会 码头 碼頭 机场 機場 车站 車站 园区 園區 省 市 区 區 县 縣 镇 鎮 乡 鄉 村 路 街 大道 巷
        道 港 站 厂 廠 店 科 局 署 厅 廳 馆 館 楼 樓 苑 邨 坊 湾 灣 岛 島 桥 橋 寺 庙 廟 牌
        """
    )
)

# Romanised mainland GBA cities and districts (pinyin), lower case: the end of an English address.
MAINLAND_LATIN_PLACES: frozenset[str] = word_set(
    """
    guangdong guangzhou shenzhen zhuhai foshan huizhou dongguan zhongshan jiangmen zhaoqing tianhe
    yuexiu haizhu liwan baiyun huangpu panyu huadu nansha conghua zengcheng futian luohu nanshan bao'an
    baoan longgang yantian longhua pingshan guangming dapeng qianhai shekou xiangzhou doumen jinwan
    hengqin shunde nanhai chancheng sanshui gaoming humen chang'an songshan
    """
)

# Words ending in a street suffix (道 路 里) that are not streets: 我知道12号 is a date, not an address.
NOT_STREETS: frozenset[str] = word_set(
    """
    知道 频道 頻道 通道 赛道 賽道 车道 車道 跑道 轨道 軌道 渠道 管道 味道 难道 難道 说道 說道
    顺道 順道 线路 線路 电路 電路 思路 走路 上路 回路 公里 这里 這里 那里 哪里 心里 家里
    """
)
