"""``manage.py restore BACKUP_DIR --database-url URL [--media-root DIR | --no-media]``

Restores a backup written by ``manage.py backup`` into a new, empty database (create it
first: ``createdb``, or a new SQLite file name) and an empty media directory, then counts
the rows of every table and compares them with the backup's manifest.
Exit status: 0 restored and every count equal; 1 restored but a count (or the files)
differs, each difference printed; 2 refused, nothing written (a damaged backup, a target
that is not empty, a missing pg_restore).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from core.backup import BackupRefused, restore_backup


class Command(BaseCommand):
    help = "Restore a backup into a new, empty database and check every table's row count."

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="a directory written by manage.py backup")
        parser.add_argument(
            "--database-url", required=True,
            help="the new, empty database: postgres://user@host:5432/name or sqlite:////path",
        )
        parser.add_argument(
            "--media-root", type=Path, default=None,
            help="where to unpack the uploaded files (default: MEDIA_ROOT); must be empty",
        )
        parser.add_argument("--no-media", action="store_true", help="restore the database only")

    def handle(self, *args, backup: Path, database_url: str, media_root, no_media, **opts):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                result = restore_backup(
                    backup, database_url=database_url,
                    media_root=media_root or settings.MEDIA_ROOT, with_media=not no_media,
                )
            except BackupRefused as exc:
                raise CommandError(
                    _("Nothing was restored: %(reason)s") % {"reason": exc}, returncode=2
                ) from None
            if result.unapplied_migrations:
                self.stdout.write(self.style.WARNING(
                    _("The code has %(count)s migrations the restored database has not: "
                      "run manage.py migrate against it.")
                    % {"count": result.unapplied_migrations}
                ))
            if result.mismatches:
                for line in result.mismatches:
                    self.stderr.write(line)
                raise CommandError(
                    _("Restored, but %(count)s differences from the backup (listed above).")
                    % {"count": len(result.mismatches)},
                    returncode=1,
                )
            self.stdout.write(self.style.SUCCESS(
                _("Restored %(tables)s tables, %(rows)s rows: every count equals the backup's.")
                % {"tables": result.tables, "rows": result.rows}
            ))
