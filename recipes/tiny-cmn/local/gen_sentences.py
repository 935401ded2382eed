#!/usr/bin/python3
"""Writes the tiny-cmn sentences (local/sentences.txt) from a small hand-written grammar.

Five domains (smart-home and phone commands, numbers / dates / times / prices, weather, everyday
sentences, directions and transport), a few hundred characters that each occur many times, short
sentences (4 to 14 characters) so that a few thousand of them fit the repository's audio budget.
The grammar is ours; the random choices come from one fixed seed, so the output is always the same.

Usage: gen_sentences.py N OUT   (N distinct sentences, one per line, in generation order)
       gen_sentences.py N OUT --top-chars K [--candidates M]   (only sentences within the K most
       frequent characters of M candidates: the repetition-heavy variant measured in README.md)
"""
import argparse
import random
import sys
from collections import Counter

SEED = 20261130

DIGITS = "零一二三四五六七八九"


def num(n):
    """0..9999 as spoken Mandarin (两 for 2 before 百/千, 十 without 一 for 10..19)."""
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        h, r = divmod(n, 100)
        head = ("两" if h == 2 else DIGITS[h]) + "百"
        if r == 0:
            return head
        if r < 10:
            return head + "零" + DIGITS[r]
        return head + (DIGITS[r // 10] + "十" + (DIGITS[r % 10] if r % 10 else ""))
    t, r = divmod(n, 1000)
    head = ("两" if t == 2 else DIGITS[t]) + "千"
    if r == 0:
        return head
    if r < 100:
        return head + "零" + num(r)
    return head + num(r)


def digits(s):
    return "".join(DIGITS[int(c)] for c in s)


R = random.Random(SEED)


def pick(xs):
    return R.choice(xs)


SUBJ = ["我", "你", "他", "她", "我们", "你们", "他们", "老师", "妈妈", "爸爸", "哥哥", "姐姐", "弟弟", "妹妹",
        "朋友", "同学", "医生", "奶奶", "爷爷", "小王", "小李", "老张"]
TIME = ["今天", "明天", "后天", "昨天", "周末", "晚上", "早上", "下午", "中午", "上午", "现在", "下个月", "这周",
        "明年", "刚才"]
PLACE = ["公园", "超市", "学校", "医院", "银行", "机场", "车站", "饭店", "图书馆", "商店", "公司", "电影院", "书店",
         "火车站", "动物园", "博物馆", "体育馆", "咖啡馆", "邮局", "菜市场"]
FOOD = ["米饭", "面条", "饺子", "包子", "水果", "苹果", "西瓜", "鸡蛋", "蛋糕", "面包", "牛肉", "青菜", "火锅"]
DRINK = ["水", "茶", "热茶", "咖啡", "牛奶", "果汁", "可乐", "绿茶"]
MEDIA = ["电影", "电视", "新闻", "报纸", "照片", "书"]
GOODS = ["衣服", "鞋子", "手机", "电脑", "帽子", "雨伞", "杯子", "车票", "机票", "本子"]
STUDY = ["中文", "英语", "数学", "音乐", "历史", "画画", "唱歌", "开车", "做饭"]
ROOM = ["客厅", "卧室", "厨房", "书房", "阳台", "门口", "洗手间", "儿童房"]
DEVICE = ["灯", "空调", "电视", "窗帘", "风扇", "热水器", "音箱", "电脑", "加湿器", "电饭锅", "洗衣机", "台灯"]
ON = ["打开", "关闭", "关掉", "开启"]
CITY = ["北京", "上海", "广州", "深圳", "南京", "杭州", "成都", "武汉", "西安", "天津", "重庆", "长沙", "青岛",
        "大连", "厦门", "苏州", "昆明", "沈阳", "郑州", "济南"]
WEATHER = ["晴", "多云", "阴", "小雨", "中雨", "大雨", "雷阵雨", "小雪", "大雪", "有雾", "晴转多云", "阴转小雨"]
DAY = ["今天", "明天", "后天", "今晚", "明天早上", "明天下午", "周六", "周日", "这个周末"]
WEEKDAY = ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期天"]
DIR = ["东", "南", "西", "北", "东南", "西北", "东北", "西南"]
PERSON = ["妈妈", "爸爸", "哥哥", "姐姐", "老师", "小王", "小李", "老张", "奶奶", "爷爷", "医生", "经理"]
VEHICLE = ["地铁", "公交车", "出租车", "火车", "飞机", "自行车", "高铁"]
ADJ = ["很好", "不错", "太贵了", "很便宜", "很好吃", "很漂亮", "有点远", "很近", "很安静", "太难了",
       "很有意思"]
THING = ["这个菜", "那本书", "这件衣服", "这个房间", "那家饭店", "这部电影", "今天的天气", "这个问题",
         "那个地方", "这条路", "我的新手机", "他的中文"]
FEEL = ["很高兴", "有点累", "很忙", "饿了", "很开心", "有点冷"]
ACT = ["开会", "吃药", "买菜", "交电费", "接孩子", "去银行"]


def hour():
    return num(R.randint(1, 12)) if R.random() < 0.8 else "两"


def minute():
    m = R.choice([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, R.randint(1, 59)])
    if m == 0:
        return "点"
    if m == 30 and R.random() < 0.5:
        return "点半"
    return "点" + ("零" + DIGITS[m] if m < 10 else num(m)) + "分"


def price():
    yuan = R.choice([R.randint(1, 20), R.randint(1, 99), R.randint(100, 999)])
    y = "两" if yuan == 2 else num(yuan)
    if R.random() < 0.4:
        return y + "块" + DIGITS[R.randint(1, 9)]
    return y + "块钱"


def command():
    t = R.randint(0, 9)
    if t == 0:
        return pick(ON) + pick(ROOM) + "的" + pick(DEVICE)
    if t == 1:
        return "把" + pick(ROOM) + "的" + pick(DEVICE) + pick(["打开", "关掉", "关上"])
    if t == 2:
        return "把空调调到" + num(R.randint(16, 30)) + "度"
    if t == 3:
        return pick(["把音量调大一点", "把音量调小一点", "声音大一点", "声音小一点", "亮度调高一点",
                     "亮度调低一点", "下一首", "上一首", "停止播放"]) + \
            pick(["", "吧", "谢谢"])
    if t == 4:
        return pick(DAY[:2] + ["明天早上", "今天下午", "周一"]) + hour() + minute() + "提醒我" + pick(ACT)
    if t == 5:
        return pick(["给", "帮我给"]) + pick(PERSON) + pick(["打电话", "发短信", "发消息", "打个电话"])
    if t == 6:
        return pick(["设一个", "定一个"]) + pick(DAY[:2] + ["早上", "晚上"]) + hour() + minute() + "的闹钟"
    if t == 7:
        return pick(["播放", "我想听", "来一首"]) + pick(["音乐", "新闻", "轻音乐", "儿歌", "广播"])
    if t == 8:
        return pick(["查一下", "帮我查一下", "看看"]) + pick(CITY) + pick(["的天气", "到" + pick(CITY) + "的机票",
                                                                 "有什么好吃的", "的地图"])
    return pick(["打开", "关闭"]) + pick(["闹钟", "相机", "地图"])


def numbers():
    t = R.randint(0, 7)
    if t == 0:
        return pick(["今天是", "明天是", "昨天是"]) + num(R.randint(1, 12)) + "月" + num(R.randint(1, 31)) + \
            pick(["号", "日"]) + pick(["", pick(WEEKDAY)])
    if t == 1:
        return pick(["现在是", "现在", "已经"]) + pick(["上午", "下午", "晚上", "早上", ""]) + hour() + minute()
    if t == 2:
        return pick(["我的电话号码是", "房间号是", "密码是"]) + \
            digits("".join(str(R.randint(0, 9)) for _ in range(R.randint(3, 6))))
    if t == 3:
        return pick(THING[:4] + ["一斤苹果", "一杯咖啡", "一张车票"]) + \
            pick(["", "要", "只要"]) + price()
    if t == 4:
        return digits(str(R.randint(1990, 2030))) + "年" + num(R.randint(1, 12)) + "月" + num(R.randint(1, 28)) + "日"
    if t == 5:
        return pick(["一共", "总共", "还差", "大概"]) + num(R.randint(2, 9999)) + \
            pick(["个人", "块钱", "公里", "分钟", "本书", "张票", "米"])
    if t == 6:
        return pick(SUBJ) + "今年" + num(R.randint(3, 90)) + "岁了"
    return pick(["第", "还剩"]) + num(R.randint(1, 99)) + pick(["天", "个", "次", "页", "站"])


def weather():
    t = R.randint(0, 6)
    if t == 0:
        return pick(CITY) + pick(DAY) + pick(WEATHER)
    if t == 1:
        return pick(DAY) + pick(["最高气温", "最低气温", "气温"]) + pick(["", "零下"]) + num(R.randint(1, 39)) + "度"
    if t == 2:
        return pick(DAY) + pick(DIR) + "风" + num(R.randint(1, 6)) + "到" + num(R.randint(2, 8)) + "级"
    if t == 3:
        return pick(DAY) + pick(["可能会", "会", "不会"]) + pick(["下雨", "下雪", "刮大风", "降温", "升温", "有雾"])
    if t == 4:
        return pick(["出门记得带伞", "天气有点冷", "今天很热", "外面风很大", "空气质量很好", "空气质量不太好",
                     "雨停了", "太阳出来了"]) + pick(["", "吧", "啊"])
    if t == 5:
        return pick(CITY) + pick(["今天", "明天", "现在"]) + pick(["多少度", "天气怎么样", "下雨吗", "冷不冷"])
    return pick(["天气预报说", "听说"]) + pick(DAY) + pick(WEATHER)


def everyday():
    t = R.randint(0, 9)
    s = pick(SUBJ)
    if t == 0:
        return s + pick(TIME) + pick(["想", "要", "打算", "去"]) + pick(["去", "到"]) + pick(PLACE)
    if t == 1:
        return s + pick(["想", "要", "喜欢", "不想"]) + pick(["吃", "买"]) + pick(FOOD)
    if t == 2:
        return s + pick(["想", "要", "喜欢"]) + "喝" + pick(DRINK)
    if t == 3:
        return s + pick(TIME) + pick(["在家", "一起", ""]) + "看" + pick(MEDIA)
    if t == 4:
        return s + pick(["在", "想", "喜欢", "开始"]) + "学" + pick(STUDY)
    if t == 5:
        return pick(THING) + pick(ADJ)
    if t == 6:
        return s + pick(["今天", "现在", "有点", ""]) + pick(FEEL)
    if t == 7:
        return pick(["你", "你们", "他"]) + pick(["吃饭了吗", "去哪里", "什么时候来", "几点下班", "喜欢什么", "在做什么", "明天有空吗"])
    if t == 8:
        return s + pick(TIME) + "去" + pick(PLACE) + pick(["买", "看"]) + pick(GOODS + MEDIA)
    return pick(["谢谢你", "没关系", "不客气", "对不起", "请坐", "请进", "好久不见",
                 "生日快乐", "晚安", "早上好"]) + pick(["", "", "啊"])


def directions():
    t = R.randint(0, 5)
    if t == 0:
        return pick(["前面", "下个", "第二个"]) + "路口" + pick(["左转", "右转", "直走", "掉头"])
    if t == 1:
        return pick(PLACE) + pick(["离这里有多远", "怎么走", "在哪里", "几点开门", "几点关门"])
    if t == 2:
        return "坐" + pick(VEHICLE) + "去" + pick(PLACE + CITY) + "要" + num(R.randint(2, 90)) + "分钟"
    if t == 3:
        return pick(["导航去", "我要去", "带我去", "请问去"]) + pick(PLACE + CITY)
    if t == 4:
        return pick(["往前走", "向左走", "向右走", "一直走"]) + num(R.randint(1, 9) * pick([10, 100])) + "米"
    return pick(["下一站是", "终点站是", "我在", "我们到"]) + pick(PLACE)


DOMAINS = [command, numbers, weather, everyday, directions]


def generate(n):
    seen, sentences = set(), []
    tries = 0
    while len(sentences) < n:
        tries += 1
        if tries > 100 * n:
            sys.exit(f"gen_sentences.py: only {len(sentences)} distinct sentences after {tries} tries")
        s = DOMAINS[len(sentences) % len(DOMAINS)]()
        if 4 <= len(s) <= 14 and s not in seen:
            seen.add(s)
            sentences.append(s)
    return sentences


def frequent_only(pool, k, max_chars, balance):
    """The sentences of pool within its k most frequent characters and max_chars long; with balance,
    interleaved by domain (generate() cycles through DOMAINS, so a sentence's domain is its index
    modulo their number)."""
    counts = Counter(c for s in pool for c in s)
    top = {c for c, _ in counts.most_common(k)}
    kept = [(i % len(DOMAINS), s) for i, s in enumerate(pool) if set(s) <= top and len(s) <= max_chars]
    if not balance:
        return [s for _, s in kept]
    queues = [[s for d, s in kept if d == domain] for domain in range(len(DOMAINS))]
    out = []
    for turn in range(max(map(len, queues))):
        out.extend(q[turn] for q in queues if turn < len(q))
    return out


def main():
    ap = argparse.ArgumentParser(description="Write N distinct sentences of the tiny-cmn grammar, one per line.")
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--top-chars", type=int, default=0, metavar="K",
                    help="keep only sentences whose characters are all among the K most frequent of "
                         "--candidates generated sentences (fewer characters, each seen more often)")
    ap.add_argument("--candidates", type=int, default=12000, metavar="M",
                    help="sentences generated to choose from with --top-chars (default 12000)")
    ap.add_argument("--max-chars", type=int, default=14, metavar="L",
                    help="with --top-chars, keep only sentences of at most L characters (default 14)")
    ap.add_argument("--balance", action="store_true",
                    help="with --top-chars, take the kept sentences from the five domains in turn (a domain "
                         "that runs out drops out), instead of in generation order, where the frequent "
                         "characters' domains (numbers, weather) crowd out the others")
    a = ap.parse_args()
    if a.top_chars > 0:
        sentences = frequent_only(generate(a.candidates), a.top_chars, a.max_chars, a.balance)[:a.n]
        if len(sentences) < a.n:
            sys.exit(f"gen_sentences.py: only {len(sentences)} of {a.candidates} candidates use the top "
                     f"{a.top_chars} characters in at most {a.max_chars}; raise --candidates")
    else:
        sentences = generate(a.n)
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        f.writelines(s + "\n" for s in sentences)


if __name__ == "__main__":
    main()
