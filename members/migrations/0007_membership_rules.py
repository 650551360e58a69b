"""A party group is chosen within a branch; an ended check-in says why.

The membership rule spans two tables, so a trigger on each backend refuses, whatever wrote it,
(a) a member whose branch is a party group (组织关系 sits with a 党支部) and (b) a member whose
party group is not under their branch. Turning a branch with members into a group is refused
too.
"""

from django.db import migrations, models

SQLITE = [
    """
    CREATE TRIGGER member_branch_not_group_insert
    BEFORE INSERT ON members_member
    WHEN (NEW.branch_id IS NOT NULL AND
            (SELECT parent_id FROM branches_branch WHERE id = NEW.branch_id) IS NOT NULL)
      OR (NEW.party_group_id IS NOT NULL AND NEW.branch_id IS NOT
            (SELECT parent_id FROM branches_branch WHERE id = NEW.party_group_id))
    BEGIN SELECT RAISE(ABORT, 'member_branch_not_group'); END;
    """,
    """
    CREATE TRIGGER member_branch_not_group_update
    BEFORE UPDATE OF branch_id, party_group_id ON members_member
    WHEN (NEW.branch_id IS NOT NULL AND
            (SELECT parent_id FROM branches_branch WHERE id = NEW.branch_id) IS NOT NULL)
      OR (NEW.party_group_id IS NOT NULL AND NEW.branch_id IS NOT
            (SELECT parent_id FROM branches_branch WHERE id = NEW.party_group_id))
    BEGIN SELECT RAISE(ABORT, 'member_branch_not_group'); END;
    """,
    """
    CREATE TRIGGER branch_with_members_not_group
    BEFORE UPDATE OF parent_id ON branches_branch
    WHEN NEW.parent_id IS NOT NULL
      AND EXISTS (SELECT 1 FROM members_member WHERE branch_id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'member_branch_not_group'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS member_branch_not_group_insert;",
    "DROP TRIGGER IF EXISTS member_branch_not_group_update;",
    "DROP TRIGGER IF EXISTS branch_with_members_not_group;",
]

POSTGRES = [
    """
    CREATE FUNCTION member_branch_not_group() RETURNS trigger AS $$
    BEGIN
        IF NEW.branch_id IS NOT NULL AND
            (SELECT parent_id FROM branches_branch WHERE id = NEW.branch_id) IS NOT NULL THEN
            RAISE EXCEPTION 'member_branch_not_group: membership sits with a branch, not a party group'
                USING ERRCODE = 'check_violation';
        END IF;
        IF NEW.party_group_id IS NOT NULL AND NEW.branch_id IS DISTINCT FROM
            (SELECT parent_id FROM branches_branch WHERE id = NEW.party_group_id) THEN
            RAISE EXCEPTION 'member_branch_not_group: the party group is not under the member''s branch'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER member_branch_not_group
    BEFORE INSERT OR UPDATE OF branch_id, party_group_id ON members_member
    FOR EACH ROW EXECUTE FUNCTION member_branch_not_group();
    """,
    """
    CREATE FUNCTION branch_with_members_not_group() RETURNS trigger AS $$
    BEGIN
        IF NEW.parent_id IS NOT NULL AND
            EXISTS (SELECT 1 FROM members_member WHERE branch_id = NEW.id) THEN
            RAISE EXCEPTION 'member_branch_not_group: a branch with members cannot become a party group'
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER branch_with_members_not_group
    BEFORE UPDATE OF parent_id ON branches_branch
    FOR EACH ROW EXECUTE FUNCTION branch_with_members_not_group();
    """,
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS member_branch_not_group ON members_member;",
    "DROP FUNCTION IF EXISTS member_branch_not_group();",
    "DROP TRIGGER IF EXISTS branch_with_members_not_group ON branches_branch;",
    "DROP FUNCTION IF EXISTS branch_with_members_not_group();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ('members', '0006_carry_the_model_forward'),
        ('branches', '0006_branch_rules'),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='member',
            constraint=models.CheckConstraint(condition=models.Q(('party_group__isnull', True), ('branch__isnull', False), _connector='OR'), name='member_group_needs_branch', violation_error_message="A party group is chosen within the member's branch."),
        ),
        migrations.AddConstraint(
            model_name='checkin',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'ended'), _negated=True), models.Q(('end_reason', ''), _negated=True), _connector='OR'), name='checkin_ended_has_reason', violation_error_message='Say why the check-in ends.'),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
