"""People for the demo district: realistic, distinct Chinese names, valid ID numbers and
mobiles, drawn from one seeded generator so that every run builds the same people.

Names follow how people of each generation were named: a surname drawn by how common it is
(with the surnames of southern Shanxi a little more common than nationally), then a given name
of one character (about a quarter of people) or two, from the characters parents of that
decade and sex chose. ID numbers carry the birth date, a sequence whose parity gives the sex
and the check digit; the place code is the one in use when the person was born (运城县 or
运城市 before 2000, 盐湖区 and its neighbours after), so ``stdnum.cn.ric`` accepts them whole.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from stdnum.cn import ric

# (surname, weight): national frequency in per mille, nudged for southern Shanxi (郭, 贾, 薛,
# 卫, 畅, 裴, 柴, 景, 樊, 解, 关, 原 are common around 运城).
SURNAMES = [
    ("王", 71), ("李", 70), ("张", 66), ("刘", 53), ("杨", 31), ("赵", 22), ("陈", 30),
    ("郭", 18), ("孙", 15), ("周", 14), ("吴", 12), ("徐", 12), ("马", 14), ("朱", 10),
    ("胡", 11), ("高", 13), ("何", 8), ("林", 6), ("罗", 6), ("梁", 8), ("宋", 9), ("郑", 7),
    ("谢", 6), ("韩", 9), ("唐", 6), ("冯", 8), ("于", 6), ("董", 8), ("程", 6), ("曹", 7),
    ("袁", 5), ("邓", 5), ("许", 6), ("傅", 3), ("沈", 3), ("彭", 4), ("吕", 5), ("苏", 5),
    ("卢", 4), ("蒋", 3), ("蔡", 3), ("贾", 9), ("丁", 4), ("魏", 6), ("薛", 7), ("叶", 3),
    ("闫", 6), ("田", 6), ("任", 5), ("姚", 4), ("崔", 5), ("范", 4), ("石", 4), ("史", 5),
    ("武", 7), ("侯", 5), ("孟", 4), ("秦", 4), ("段", 4), ("雷", 3), ("郝", 5), ("杜", 5),
    ("白", 4), ("尹", 3), ("常", 4), ("乔", 4), ("牛", 4), ("申", 3), ("师", 3), ("卫", 5),
    ("畅", 3), ("裴", 4), ("柴", 3), ("景", 3), ("樊", 4), ("解", 3), ("关", 3), ("原", 2),
    ("宁", 2), ("苗", 3), ("荆", 2), ("吉", 2), ("南", 2), ("姬", 2), ("翟", 2), ("潘", 3),
    ("金", 2), ("姜", 3), ("夏", 3), ("方", 2), ("付", 3), ("邱", 2), ("余", 2), ("廖", 1),
    ("毛", 2), ("贺", 3), ("严", 1), ("陆", 1), ("汪", 1), ("钱", 1), ("戴", 1), ("孔", 2),
]
_SURNAME_CHOICES = [s for s, _ in SURNAMES]
_SURNAME_CUMULATIVE = list(accumulate(w for _, w in SURNAMES))

# Given names by generation (born before 1965, 1965-1984, from 1985) and sex: first
# characters, second characters, and one-character names.
GIVEN = {
    ("old", "M"): (
        "建国志德振永福宝文学明忠立树春玉长金满俊世红卫新茂庆克保占秉怀英",
        "国华民军林生成明山海平文祥忠胜贵兴武强田义才喜荣元德福安富全江",
        "军强勇刚明林忠华杰斌宏旺义胜贵",
    ),
    ("old", "F"): (
        "秀桂玉淑凤素翠春金月彩兰丽爱美巧冬红银粉月俊雪梅",
        "英兰珍芳霞梅琴荣莲花娥香云萍华芬凤玲清敏娟侠枝",
        "芳霞英兰珍梅琴荣萍娥",
    ),
    ("mid", "M"): (
        "建晓海志立卫红永国振宏伟俊小春东新文军铁鹏继亚向跃学朝晋红",
        "军华强平伟东峰刚勇斌波涛明辉林杰宇鹏飞龙利锋彬新超亮昌庆斌",
        "伟强磊军勇涛杰斌超鹏辉波峰亮健",
    ),
    ("mid", "F"): (
        "晓丽红海春秀艳彩雪玉小爱冬建慧燕凤亚金利翠亚瑞少",
        "燕红霞丽梅芳娟萍玲艳敏华英莉琴静云洁蓉平丹妮",
        "静敏丽艳娟芳燕霞红娜洁琳",
    ),
    ("young", "M"): (
        "浩子俊宇晨博家思嘉明志泽一天文鹏佳昊梓晓振奕嘉煜",
        "轩宇阳然杰博涛晨磊鑫哲豪峰凯楠航浩辰远泽睿铭坤",
        "磊鑫浩宇杰凯阳帅鹏昊晨",
    ),
    ("young", "F"): (
        "欣思雨佳梓子婉诗梦晓雅一紫可嘉静慧文艺若钰晨",
        "怡涵琪萱婷悦瑶雯欣彤琳颖妍洁菲蕾然宁月慧璇茜",
        "婷悦琳颖倩娜璐瑶雪丹",
    ),
}
SINGLE_NAME_SHARE = 0.24

# Place codes in ID numbers, by the years they were in use (stdnum's register of them):
# 运城县 until 1983, 运城市 (the county-level city) 1983-2000, 盐湖区 from 2000; the
# neighbouring counties, for people born there who came to the city.
HOME = {"before_1983": "142721", "1983_2000": "142701", "from_2000": "140802"}
NEIGHBOURS = {
    "before_2000": ["142723", "142724", "142725", "142726", "142727", "142729", "142730",
                    "142731", "142732", "142733"],
    "from_2000": ["140821", "140822", "140823", "140824", "140825", "140826", "140827",
                  "140828", "140829", "140830", "140881", "140882"],
}
MOBILE_PREFIXES = ["134", "135", "136", "137", "138", "139", "150", "151", "152", "155",
                   "156", "158", "159", "176", "177", "182", "183", "186", "187", "188", "189"]


@dataclass
class Person:
    name: str
    gender: str  # "M" or "F"
    birth_date: date
    id_number: str
    mobile: str


def generation(born: date) -> str:
    return "old" if born.year < 1965 else "mid" if born.year < 1985 else "young"


class People:
    """Deterministic people: the same seed gives the same people in the same order."""

    def __init__(self, seed: int = 1127):
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.numbers: set[str] = set()
        self.mobiles: set[str] = set()

    def surname(self) -> str:
        return self.rng.choices(_SURNAME_CHOICES, cum_weights=_SURNAME_CUMULATIVE)[0]

    def given_name(self, gender: str, born: date) -> str:
        firsts, seconds, singles = GIVEN[(generation(born), gender)]
        if self.rng.random() < SINGLE_NAME_SHARE:
            return self.rng.choice(singles)
        first = self.rng.choice(firsts)
        second = self.rng.choice(seconds)
        while second == first:
            second = self.rng.choice(seconds)
        return first + second

    def name(self, gender: str, born: date) -> str:
        return self.surname() + self.given_name(gender, born)

    def place_code(self, born: date) -> str:
        local = self.rng.random() < 0.7
        if born.year >= 2000:
            return HOME["from_2000"] if local else self.rng.choice(NEIGHBOURS["from_2000"])
        if not local:
            return self.rng.choice(NEIGHBOURS["before_2000"])
        return HOME["before_1983"] if born.year < 1983 else HOME["1983_2000"]

    def id_number(self, gender: str, born: date) -> str:
        while True:
            seq = self.rng.randrange(0, 1000)
            if seq % 2 != (1 if gender == "M" else 0):
                seq = (seq + 1) % 1000
            body = f"{self.place_code(born)}{born:%Y%m%d}{seq:03d}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def mobile(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.mobiles:
                self.mobiles.add(number)
                return number

    def born_between(self, first_year: int, last_year: int) -> date:
        start = date(first_year, 1, 1)
        days = (date(last_year, 12, 31) - start).days
        return start + timedelta(days=self.rng.randrange(days + 1))

    def person(self, first_year: int, last_year: int, *, gender: str | None = None) -> Person:
        gender = gender or self.rng.choice("MF")
        born = self.born_between(first_year, last_year)
        return Person(
            name=self.name(gender, born), gender=gender, birth_date=born,
            id_number=self.id_number(gender, born), mobile=self.mobile(),
        )


# --- Commitments kept (承诺践诺) -------------------------------------------------------------

# (text, category, measure, target): what members of the demo committees commit to.
PLEDGES = [
    ("每月参加一次社区志愿服务", "service", "activities", 12),
    ("结对帮扶一户困难家庭，每季度上门走访", "neighbours", "matter", None),
    ("带头做好垃圾分类宣传，全年服务不少于20小时", "service", "hours", 20),
    ("参与小区矛盾纠纷调解，认领一件群众急难事", "governance", "matter", None),
    ("为居民开展法律咨询两次", "service", "activities", 2),
    ("每季度参加一次党课学习", "study", "activities", 4),
]
NOTES = ["参加了社区组织的义务清扫", "走访帮扶对象，送去米面油", "在小区门口开展垃圾分类宣传",
         "协助调解邻里漏水纠纷", "参加主题党日学习", "为居民解答劳动合同问题"]
# (outcome, remark) of last year's review: most kept, some partly, a few not.
REVIEWS = [("kept", "按期完成，群众反映好")] * 5 + [
    ("partly", "下半年工作调动，服务次数未达到承诺"),
    ("not_kept", "全年未参加社区活动，已谈心提醒"),
]


def seed_commitments(committee, member_ids, this_year: int) -> None:
    """About one member in five of ``member_ids`` (members of ``committee`` with no commitment
    yet) commits for last year and this one: last year's reviewed by the committee (kept,
    partly, not kept, with remarks) with dated notes, this year's with notes so far. Most are
    posted on the board. Running twice changes nothing (the callers pass members without
    commitments)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from members.models import Commitment, CommitmentNote

    chosen = [pk for pk in member_ids if pk % 5 == 0]
    if not chosen:
        return
    reviewed_at = datetime(this_year - 1, 12, 20, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    rows = []
    for pk in chosen:
        for year in (this_year - 1, this_year):
            text, category, measure, target = PLEDGES[(pk + year) % len(PLEDGES)]
            outcome, remark = REVIEWS[pk % len(REVIEWS)] if year < this_year else ("", "")
            rows.append(Commitment(
                member_id=pk, committee=committee, year=year, text=text, category=category,
                measure=measure, target=target, public=pk % 3 != 0, outcome=outcome,
                review_remark=remark, reviewed_at=reviewed_at if outcome else None,
            ))
    Commitment.objects.bulk_create(rows, batch_size=1000)
    today = date.today()
    notes = []
    for pk, member_id, year in Commitment.objects.filter(
        committee=committee, member_id__in=chosen
    ).values_list("pk", "member_id", "year"):
        months = range(3, 12, 4) if year < this_year else range(3, today.month + 1, 4)
        for i, month in enumerate(months):
            if (member_id + i) % 3 == 2:
                continue  # not everyone writes every time
            notes.append(CommitmentNote(
                commitment_id=pk, written_on=date(year, month, 1 + (member_id + i) % 27),
                text=NOTES[(member_id + i) % len(NOTES)], by_secretary=i % 4 == 3,
            ))
    CommitmentNote.objects.bulk_create(notes, batch_size=1000)
