"""``manage.py backup [--output DIR]``

Writes one directory, ``DIR/dadangwei-<UTC time>/``, with the database (``database.dump``,
pg_dump's custom format, on PostgreSQL; ``database.sqlite3`` on SQLite), the uploaded files
(``media.tar.gz``) and ``manifest.json`` (time, migration heads, rows per table, sizes and
SHA-256 of the files). No secret is in it. See core/backup.py and docs/operations.md.
Exit status: 0 written, 2 nothing written (the reason is printed).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from core.backup import BackupRefused, make_backup, read_manifest


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one timestamped directory."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=Path("backups"),
            help="the directory to write the backup in (default: ./backups)",
        )
        parser.add_argument("--database", default="default", help="the database alias")

    def handle(self, *args, output: Path, database: str, **opts):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                path = make_backup(output, alias=database)
            except (BackupRefused, OSError) as exc:  # OSError: a full disk, a bad --output
                raise CommandError(
                    _("No backup was written: %(reason)s") % {"reason": exc}, returncode=2
                ) from None
            manifest = read_manifest(path)
            self.stdout.write(self.style.SUCCESS(
                _("Backup written to %(path)s: %(tables)s tables, %(rows)s rows, "
                  "%(files)s uploaded files.")
                % {
                    "path": path, "tables": len(manifest["tables"]),
                    "rows": sum(manifest["tables"].values()),
                    "files": manifest["media"]["files"],
                }
            ))
