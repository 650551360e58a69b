"""A party group stays inside its parent branch's committee: enforced by the database.

Django cannot declare a composite foreign key, so a trigger on each backend refuses
(a) a group whose committee differs from its parent's and (b) moving a branch to another
committee while party groups under it stay behind.
"""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER branch_group_same_committee_insert
    BEFORE INSERT ON branches_branch
    WHEN NEW.parent_id IS NOT NULL AND NEW.committee_id !=
        (SELECT committee_id FROM branches_branch WHERE id = NEW.parent_id)
    BEGIN SELECT RAISE(ABORT, 'branch_group_same_committee'); END;
    """,
    """
    CREATE TRIGGER branch_group_same_committee_update
    BEFORE UPDATE OF committee_id, parent_id ON branches_branch
    WHEN (NEW.parent_id IS NOT NULL AND NEW.committee_id !=
            (SELECT committee_id FROM branches_branch WHERE id = NEW.parent_id))
      OR EXISTS (SELECT 1 FROM branches_branch
                 WHERE parent_id = NEW.id AND committee_id != NEW.committee_id)
    BEGIN SELECT RAISE(ABORT, 'branch_group_same_committee'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS branch_group_same_committee_insert;",
    "DROP TRIGGER IF EXISTS branch_group_same_committee_update;",
]

POSTGRES = [
    """
    CREATE FUNCTION branch_group_same_committee() RETURNS trigger AS $$
    BEGIN
        IF NEW.parent_id IS NOT NULL AND NEW.committee_id IS DISTINCT FROM
            (SELECT committee_id FROM branches_branch WHERE id = NEW.parent_id) THEN
            RAISE EXCEPTION 'branch_group_same_committee: a party group belongs to its parent''s committee'
                USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'UPDATE' AND EXISTS (SELECT 1 FROM branches_branch
                WHERE parent_id = NEW.id AND committee_id <> NEW.committee_id) THEN
            RAISE EXCEPTION 'branch_group_same_committee: party groups would be left in another committee'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER branch_group_same_committee
    BEFORE INSERT OR UPDATE OF committee_id, parent_id ON branches_branch
    FOR EACH ROW EXECUTE FUNCTION branch_group_same_committee();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS branch_group_same_committee ON branches_branch;",
    "DROP FUNCTION IF EXISTS branch_group_same_committee();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("branches", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
