"""Chinese surnames (single and compound, both scripts) and characters typical of given names."""

from __future__ import annotations

from detectors.lexicon.wordlist import word_set

# The ~300 most common single-character surnames, plus the Cantonese ones (区 冼 麦 邝 植 禤 招 …) and the
# rest of the Hundred Family Surnames (百家姓) in both scripts, except those that are mostly function or
# everyday words (和 有 能 从 都 明 平 元 乐 花 家 山 国 东 …: see NOT_SINGLE_SURNAMES).
SINGLE_SURNAMES: frozenset[str] = word_set(
    """
    王 李 张 張 刘 劉 陈 陳 杨 楊 黄 黃 赵 趙 吴 吳 周 徐 孙 孫 马 馬 朱 胡 郭 何 林 高 罗 羅 郑 鄭 梁
    谢 謝 宋 唐 许 許 韩 韓 邓 鄧 冯 馮 曹 彭 曾 肖 萧 蕭 田 董 潘 袁 蔡 蒋 蔣 余 于 杜 叶 葉 程 魏 苏
    蘇 吕 呂 丁 任 卢 盧 姚 沈 钟 鍾 姜 崔 谭 譚 陆 陸 范 汪 廖 石 金 韦 韋 贾 賈 夏 付 傅 方 邹 鄒 熊
    白 孟 秦 邱 丘 侯 江 尹 薛 闫 閆 阎 閻 段 雷 龙 龍 黎 史 陶 贺 賀 毛 郝 顾 顧 龚 龔 邵 万 萬 覃 武
    钱 錢 戴 严 嚴 莫 孔 向 常 汤 湯 康 易 乔 喬 赖 賴 文 施 洪 辛 柯 庄 莊 樊 葛 牛 鲁 魯 焦 祝 殷 章
    伍 申 齐 齊 鲍 鮑 毕 畢 尤 季 蒙 欧 歐 翁 温 溫 阮 聂 聶 梅 左 甘 卓 屠 蓝 藍 包 单 單 倪 关 關 柳
    岳 古 耿 盛 童 宁 寧 涂 纪 紀 舒 成 喻 骆 駱 饶 饒 游 路 兰 蘭 凌 华 華 霍 冉 麦 麥 冼 简 簡 连 連
    刁 邢 揭 穆 池 柴 储 儲 滕 官 巫 谷 车 車 查 佟 詹 符 裴 苗 卜 景 鞠 戚 凤 鳳 米 尚 迟 遲 苑 管 项
    項 晏 芦 蘆 甄 谈 談 邬 鄔 匡 虞 宫 宮 房 幸 皮 荣 榮 吉 全 桂 姬 应 應 晋 晉 时 時 隋 边 邊 冷 仇
    缪 繆 敖 岑 邝 鄺 区 區 植 湛 利 容 巢 钮 鈕 郁 伏 薄 艾 闵 閔 狄 阳 陽 银 銀 雍 宗 栾 欒 练 練 阙
    闕 谌 諶 禤 庞 龐 杭 苟 鄢 窦 竇 娄 婁 燕 阚 闞 奚 祁 闻 聞 冀 屈 蒲 席 牟 颜 顏 祖 翟 党 丛 叢 靳
    粟 沙 安 俞 诸 諸 卫 衛 衞 鄂 巴 柏 水 贝 貝 鲜 鮮 璩 晁 钭 鈄 郜 芮 臧 贲 賁 濮 缑 緱 佘 琚 戎 訾
    蔺 藺 厉 厲 虢 扈 邸 滑 寇 卞 宣 鄞 伦 倫 鐘
    褚 郎 昌 酆 费 費 廉 禹 茅 昝 裘 解 嵇 荀 惠 曲 封 羿 汲 邴 糜 宓 隗 郗 司 韶 蓟 薊 怀 懷 邰 索 胥 苍 蒼
    莘 贡 貢 逄 堵 宰 郦 酈 郤 桑 寿 壽 郏 郟 浦 农 農 瞿 慕 茹 习 習 宦 慎 戈 庾 暨 衡 弘 禄 祿 殳 蔚 夔 巩
    鞏 厍 厙 勾 融 蒯 荆 荊 竺 逯 盖 蓋 桓 楚 汝 钦 欽 帅 帥 亢 况 況 郈 佴 谯 譙 笪 云 雲 奎 招 栗 仝 亓 公
    """
)

# Surnames of the Hundred Family Surnames left out above: as a first character they are far more often an
# ordinary word (和 and, 有 have, 能 can, 明天, 平时, 花钱 …) than a name. Kept here so that the
# list above can be checked against the whole of 百家姓 (a test does).
NOT_SINGLE_SURNAMES: frozenset[str] = word_set(
    """
    花 乐 元 平 和 明 计 麻 强 危 支 经 干 於 家 松 井 富 乌 弓 牧 山 蓬 班 仰 秋 仲 伊 暴 束 印 宿 从 咸
    籍 阴 鬱 能 双 劳 扶 通 别 充 鱼 终 居 步 都 满 国 广 东 沃 越 隆 师 空 毋 乜 养 须 丰 相 后 红 权
    益 法 有 琴 墨 哈 年 爱 言 福 羊 那
    """
)

# Two-character surnames; a name may start with one, followed by one or two given-name characters.
COMPOUND_SURNAMES: frozenset[str] = word_set(
    """
    欧阳 歐陽 司马 司馬 诸葛 諸葛 上官 司徒 东方 東方 皇甫 尉迟 尉遲 公孙 公孫 慕容 长孙 長孫 宇文 司空
    夏侯 令狐 端木 澹台 澹臺 独孤 獨孤 南宫 南宮 轩辕 軒轅 呼延 申屠 闻人 聞人 濮阳 濮陽 淳于 钟离 鍾離
    宗政 赫连 赫連 拓跋 完颜 完顏 万俟 萬俟 公羊 公冶 单于 單于 太叔 仲孙 仲孫 鲜于 鮮于 闾丘 閭丘 亓官
    司寇 子车 子車 颛孙 顓孫 巫马 巫馬 公西 漆雕 乐正 樂正 壤驷 壤駟 公良 夹谷 夾谷 宰父 谷梁 穀梁 段干
    东郭 東郭 归海 歸海 羊舌 微生 梁丘 左丘 商牟 伯赏 伯賞
    """
)

# Characters common in given names: a two-character value (surname + one) counts as a name only with one.
NAME_CHARACTERS: frozenset[str] = word_set(
    """
    伟 偉 芳 娜 秀 英 敏 静 靜 丽 麗 强 強 磊 军 軍 洋 勇 艳 豔 杰 傑 娟 涛 濤 明 超 霞 平 刚 剛 桂 华
    華 慧 建 国 國 文 志 嘉 俊 欣 婷 浩 宇 晓 曉 颖 穎 锦 錦 荣 榮 德 健 玲 红 紅 梅 燕 辉 輝 鹏 鵬 飞
    飛 琳 鑫 斌 宏 波 丹 萍 玉 兰 蘭 凤 鳳 春 雪 海 云 雲 龙 龍 峰 峯 东 東 亮 成 林 博 晨 阳 陽 鸿 鴻
    新 佳 思 雨 子 梓 涵 轩 軒 然 怡 诗 詩 琪 雅 婧 晶 莉 倩 蓉 薇 露 冰 清 彤 琦 瑶 瑤 璐 菲 瑞 家 祥
    福 贵 貴 宝 寶 金 银 銀 安 康 泰 和 顺 順 利 达 達 发 發 兴 興 旺 生 中 正 光 永 长 長 天 立 仁 义
    義 礼 禮 智 信 忠 孝 良 善 美 勤 坚 堅 毅 柔 淑 贤 賢 惠 慈 爱 愛 心 诚 誠 真 洁 潔 雯 婉 娴 嫺 嫻
    妍 媛 嫣 姗 姍 妮 娇 嬌 婕 姝 婵 嬋 娅 婭 霏 雁 鸣 鳴 凯 凱 翔 睿 哲 航 昊 铭 銘 宸 皓 煜 辰 奕 晟
    泽 澤 宁 寧 远 遠 振 邦 宗 耀 祖 恩 泉 源 江 河 湖 山 岩 巖 石 松 柏 竹 菊 莲 蓮 荷 桃 枫 楓 杨 楊
    柳 彬 彦 彥 豪 晖 暉 君 卿 若 如 可 依 一 小 少 敬 之 乐 樂 琴 芬 璇 晴 月 星 曦 旭 昕 昭 夏 秋 冬
    韵 韻 宜 伯 仲 泓 浚 沛 润 潤 汉 漢 沁 渊 淵 潇 瀟 澜 瀾 滢 瀅 淇 琛 琼 瓊 瑾 瑜 璋 珍 珠 玮 瑋 瑛
    锋 鋒 钧 鈞 锐 銳 鋭 钰 鈺 森 树 樹 楠 桦 樺 榕 楷 棋 蕾 芸 芝 茜 莹 瑩 萱 蓓 蔚 芷 芊 茵 菁 悦 悅
    恺 愷 恒 恆 忆 憶 维 維 绍 紹 继 繼 绮 綺 靖 竣 端 章 语 語 谦 謙 谊 誼 誉 譽 贞 貞 迪 逸 进 進 雄
    霖 韬 韜 颂 頌 风 風 香 馨 驰 馳 骏 駿 鹤 鶴 麟 鼎 齐 齊 坤 乾 培 基 堂 壮 壯 士 声 聲 威 娥 媚 宪
    憲 宾 賓 富 尧 堯 峻 嵘 嶸 川 巧 帆 希 庆 慶 廷 彩 影 徽 恬 悠 惜 慕 才 斯 方 昌 昆 晋 晉 景 朗 杉
    权 權 柱 栋 棟 楚 欢 歡 武 毓 民 汝 沙 治 津 洪 涌 湧 深 添 渝 炜 煒 烨 燁 焕 煥 熙 燊 爽 献 獻 玄
    珊 琬 瑄 璟 环 環 甜 田 畅 暢 盈 益 盛 相 眉 硕 碩 祺 禄 祿 禧 秉 科 程 穗 笑 笛 筠 简 簡 素 紫 纯
    純 绿 綠 缘 緣 羽 翠 翰 胜 勝 舒 艺 藝 芃 芯 花 苑 苹 蘋 茂 草 荃 莎 菡 萌 葵 蓝 藍 蔓 蕙 蕴 蘊 藴
    融 衡 裕 西 观 觀 言 诺 諾 谷 豫 贝 貝 财 財 贺 賀 赞 贊 起 路 迎 运 運 道 郎 采 採 钦 欽 钢 鋼 铨
    銓 锡 錫 镇 鎮 闻 聞 阁 閣 隆 震 霆 青 靓 靚 韩 韓 颜 顏 飘 飄 馥 驹 駒 骐 騏 高 魁 鸥 鷗 鹃 鵑 黎
    """
)
