"""Benchmark: a committee's roster (page 1, a deep page, search by name, initials and mobile
tail) beside the Django admin's changelist of the same members and ``/healthz``, and the SQL
queries of the pages a secretary opens most (roster, member, committee, activity, landing), on
the districts ``bench/dashboard_vs_roster.py`` built, side by side in one run.

    export DATABASE_URL=postgres://root@127.0.0.1:5432/ddw_bench
    .venv/bin/python bench/dashboard_vs_roster.py --members 200000   # builds, once
    .venv/bin/python bench/roster_pages.py                           # measures what it built

The city's members are named 党员<n> there; this gives them realistic, varied Chinese names
(with their pinyin and initials, as the service writes them) first, so that a search by name
finds what it would in a real district. PostgreSQL only; the database is changed: never point
it at real data. It prints p50/p95 ms, and each page's queries; ``--explain`` adds the plans
of the searches.
"""

import argparse
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from dashboard_vs_roster import measure  # noqa: E402  (bench/, beside this file)
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402

from activities.models import Activity  # noqa: E402
from committees.models import Committee, District  # noqa: E402
from core.models import RoleAssignment  # noqa: E402
from members.models import Member  # noqa: E402
from members.selectors import member_search  # noqa: E402

logging.getLogger("axes").setLevel(logging.WARNING)
settings.ALLOWED_HOSTS = ["*"]

# Common surnames and given-name characters with their pinyin: 60 × 70 × (70 + one-character
# names) names, spread over the members by their id.
SURNAMES = (
    "王wang 李li 张zhang 刘liu 陈chen 杨yang 黄huang 赵zhao 吴wu 周zhou 徐xu 孙sun 马ma "
    "朱zhu 胡hu 郭guo 何he 高gao 林lin 罗luo 郑zheng 梁liang 谢xie 宋song 唐tang 许xu "
    "韩han 冯feng 邓deng 曹cao 彭peng 萧xiao 田tian 董dong 潘pan 袁yuan 蔡cai 蒋jiang 余yu "
    "于yu 杜du 叶ye 程cheng 魏wei 苏su 吕lv 丁ding 任ren 卢lu 姚yao 沈shen 钟zhong 姜jiang "
    "崔cui 谭tan 陆lu 范fan 汪wang 廖liao 石shi"
).split()
GIVEN = (
    "伟wei 芳fang 娜na 敏min 静jing 丽li 强qiang 磊lei 军jun 洋yang 勇yong 艳yan 杰jie "
    "涛tao 明ming 超chao 秀xiu 霞xia 平ping 刚gang 桂gui 英ying 华hua 建jian 国guo 文wen "
    "红hong 玉yu 兰lan 春chun 海hai 梅mei 志zhi 宏hong 燕yan 云yun 鹏peng 辉hui 斌bin "
    "亮liang 飞fei 婷ting 雪xue 琳lin 晨chen 欣xin 宇yu 浩hao 凯kai 颖ying 佳jia 慧hui "
    "俊jun 晓xiao 秋qiu 丹dan 波bo 荣rong 良liang 德de 成cheng 新xin 利li 生sheng 金jin "
    "福fu 庆qing 民min 安an 凤feng"
).split()


def _split(entries):
    return [e[0] for e in entries], [e[1:] for e in entries]


def name_the_city(district):
    """Realistic names, pinyin and initials for the city's members (idempotent)."""
    s_chars, s_pinyin = _split(SURNAMES)
    g_chars, g_pinyin = _split(GIVEN)
    with connection.cursor() as cursor:
        cursor.execute("""
            WITH pick AS (
                SELECT m.id, 1 + (m.id * 7919) %% %(ns)s AS s, 1 + (m.id * 104729) %% %(ng)s AS a,
                       1 + (m.id * 1299709) %% (%(ng)s * 3 / 2) AS b
                FROM members_member m JOIN committees_committee c ON c.id = m.committee_id
                WHERE c.district_id = %(district)s)
            UPDATE members_member m SET
                name = (%(sc)s::text[])[p.s] || (%(gc)s::text[])[p.a]
                       || coalesce((%(gc)s::text[])[p.b], ''),
                name_pinyin = (%(sp)s::text[])[p.s] || (%(gp)s::text[])[p.a]
                              || coalesce((%(gp)s::text[])[p.b], ''),
                name_initials = left((%(sp)s::text[])[p.s], 1) || left((%(gp)s::text[])[p.a], 1)
                                || coalesce(left((%(gp)s::text[])[p.b], 1), '')
            FROM pick p WHERE p.id = m.id
        """, {"district": district.pk, "ns": len(s_chars), "ng": len(g_chars),
              "sc": s_chars, "sp": s_pinyin, "gc": g_chars, "gp": g_pinyin})
        cursor.execute("VACUUM ANALYZE members_member")


def admin_client():
    """A superuser whose session passed the second factor (the admin is an OTPAdminSite)."""
    from django_otp.plugins.otp_static.models import StaticDevice

    user = get_user_model().objects.create_superuser("bench-admin", password=None)
    device = StaticDevice.objects.create(user=user, name="bench")
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def secretary_client(committee, label):
    user = get_user_model().objects.create(username=f"bench-secretary-{label}")
    RoleAssignment.objects.create(user=user, role="committee_secretary", committee=committee)
    client = Client()
    client.force_login(user)
    return client


def explain(members, text):
    rows = member_search(members, text).order_by("name", "pk")
    with connection.cursor() as cursor:
        sql, params = rows[:50].query.sql_with_params()
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " + sql, params)
        page = "\n    ".join(r[0] for r in cursor.fetchall())
        sql, params = rows.order_by().query.sql_with_params()
        # the SQL is Django's own, for the paginator's count
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT count(*) FROM ("  # noqa: S608
                       + sql + ") t", params)
        count = "\n    ".join(r[0] for r in cursor.fetchall())
    return f"  search {text!r}, page:\n    {page}\n  count:\n    {count}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/roster_pages.py needs PostgreSQL: set DATABASE_URL.")
    call_command("migrate", verbosity=0)
    get_user_model().objects.filter(username__startswith="bench-").delete()

    from core.startup import warm_and_freeze

    rows, plans = [], []
    admin = admin_client()
    for label, name in (("demo", "盐湖区"), ("city", "bench-city")):
        district = District.objects.filter(name=name).first()
        if district is None:
            continue
        if label == "city" and Member.objects.filter(
                committee__district=district, name__startswith="党员").exists():
            name_the_city(district)
        committee = (Committee.objects.filter(district=district)
                     .annotate(n=Count("members")).order_by("-n").first())
        members = committee.n
        district_members = Member.objects.filter(committee__district=district).count()
        sample = Member.objects.filter(committee=committee).order_by("pk")[members // 2]
        two = sample.name[:2]
        three = sample.name if len(sample.name) >= 3 else None
        secretary = secretary_client(committee, label)
        roster = f"/committees/{committee.pk}/members/"
        admin_list = f"/admin/members/member/?committee__id__exact={committee.pk}"
        activity = Activity.objects.filter(committee=committee).order_by("-starts_at").first()
        deep = max(1, members // 50 - 1)
        pages = [
            ("roster, page 1", roster),
            (f"roster, page {deep}", f"{roster}?page={deep}"),
            ("roster, search 王 (1 character)", f"{roster}?q=王"),
            (f"roster, search {two} (2 characters)", f"{roster}?q={two}"),
        ]
        if three:
            pages.append((f"roster, search {three} (3 characters)", f"{roster}?q={three}"))
        pages += [
            (f"roster, search {sample.name_initials} (initials)",
             f"{roster}?q={sample.name_initials}"),
            (f"roster, search {sample.mobile_tail or '0000'} (mobile tail)",
             f"{roster}?q={sample.mobile_tail or '0000'}"),
            ("admin changelist, same committee", admin_list),
            (f"admin changelist, search {sample.name_initials}",
             f"{admin_list}&q={sample.name_initials}"),
            ("member page", f"/members/{sample.pk}/"),
            ("committee page", f"/committees/{committee.pk}/"),
            ("secretary's landing page", "/"),
        ]
        if activity:
            pages.append(("activity page", f"/activities/{activity.pk}/"))
        pages.append(("healthz", "/healthz"))
        warm_and_freeze()
        for page, url in pages:
            client = admin if url.startswith("/admin/") else secretary
            p50, p95, queries = measure(client, url, args.runs)
            rows.append((label, page, members, p50, p95, queries))
        if args.explain:
            plans.append(f"{label} (committee of {members:,} members):")
            roster_members = Member.objects.filter(committee=committee)
            plans += [explain(roster_members, text) for text in
                      ("王", two, three or two, sample.name_initials, sample.mobile_tail or "0000")]
            plans.append(f"{label}, the whole district ({district_members:,} members):")
            plans.append(explain(Member.objects.filter(committee__district=district),
                                 three or two))
        print(f"measured {label}", flush=True)

    print(f"\n{connection.vendor}, {args.runs} runs per page, largest committee of each district")
    print("{:<6}{:<44}{:>9}{:>9}{:>9}{:>9}".format(
        "size", "page", "members", "p50 ms", "p95 ms", "queries"))
    for label, page, members, p50, p95, queries in rows:
        print(f"{label:<6}{page:<44}{members:>9,}{p50:>9.1f}{p95:>9.1f}{queries:>9}")
    if plans:
        print("\n" + "\n".join(plans))


if __name__ == "__main__":
    main()
