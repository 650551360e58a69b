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
from django.utils.translation import gettext as _

from committees.models import Committee
from members.import_files import ImportRefused
from members.import_writes import apply_plan
from members.imports import build_plan


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
            message = (
                _("No committee is named %(name)s.") if not found
                else _("Several committees are named %(name)s: give --district.")
            )
            raise CommandError(message % {"name": committee_name}, returncode=2)
        if not file.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file}, returncode=2)
        try:
            plan = build_plan(file.read_bytes(), file.name, committee=found[0], user=None)
        except ImportRefused as exc:
            raise CommandError(
                _("The file was refused; nothing was imported: %(reason)s") % {"reason": exc},
                returncode=2,
            ) from None

        for issue in plan.issues:
            self.stderr.write(str(issue))
        summary = _(
            "%(committee)s: %(rows)s rows; %(added)s to add, %(updated)s to update, "
            "%(unchanged)s unchanged, %(bad)s to correct."
        ) % {
            "committee": found[0].name, "rows": plan.total_rows,
            "added": len(plan.of("add")), "updated": len(plan.of("update")),
            "unchanged": len(plan.of("unchanged")), "bad": plan.bad_rows,
        }
        self.stdout.write(summary)
        if not plan.ok:
            raise CommandError(
                _("%(bad)s rows to correct: nothing was imported.") % {"bad": plan.bad_rows},
                returncode=1,
            )
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
            return
        apply_plan(plan, user=None)
        self.stdout.write(self.style.SUCCESS(_("Imported.")))
