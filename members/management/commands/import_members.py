"""``manage.py import_members FILE --committee NAME [--district NAME] [--dry-run]``

The roster import of the web pages, from the command line: every row is checked first; with
problems, the report lists them (row, column, message) and nothing is written; otherwise the
whole file is written in one transaction. Exit status: 0 when every row is good, 1 when any
row is bad, 2 when the file is refused or the committee is unknown.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from committees.models import Committee
from members.import_services import apply_plan
from members.imports import ImportRefused, build_plan


class Command(BaseCommand):
    help = "Import a roster (.xlsx or .csv) into a committee, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--committee", required=True, help="the committee's name")
        parser.add_argument("--district", help="the district's name, if committee names repeat")
        parser.add_argument("--dry-run", action="store_true", help="check and report only")

    def handle(self, *args, file: Path, committee: str, district=None, dry_run=False, **opts):
        with translation.override(settings.LANGUAGE_CODE):
            return self._handle(file, committee, district, dry_run)

    def _handle(self, file, committee_name, district, dry_run):
        committees = Committee.objects.filter(name=committee_name).select_related("district")
        if district:
            committees = committees.filter(district__name=district)
        found = list(committees[:2])
        if len(found) != 1:
            raise CommandError(
                f"没有名为“{committee_name}”的社区" if not found
                else f"有多个“{committee_name}”：请用 --district 指明城区",
                returncode=2,
            )
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}", returncode=2)
        try:
            plan = build_plan(file.read_bytes(), file.name, committee=found[0], user=None)
        except ImportRefused as exc:
            raise CommandError(f"文件被拒绝，未导入：{exc}", returncode=2) from None

        for issue in plan.issues:
            self.stderr.write(f"第 {issue.row} 行 {issue.column}：{issue.message}")
        adds, updates = len(plan.of("add")), len(plan.of("update"))
        summary = (
            f"{found[0].name}：共 {plan.total_rows} 行；新增 {adds}，更新 {updates}，"
            f"未变 {len(plan.of('unchanged'))}，有误 {plan.bad_rows} 行"
        )
        if not plan.ok:
            self.stdout.write(summary + "。有误的行改正之前，什么都没有导入。")
            raise CommandError(f"{plan.bad_rows} 行有误", returncode=1)
        if dry_run:
            self.stdout.write(summary + "（试运行，未写入）。")
            return
        apply_plan(plan, user=None)
        self.stdout.write(self.style.SUCCESS(summary + "。已导入。"))
