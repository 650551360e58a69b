"""core.db.instance_maker: the instance ``model(**values)`` would make (every field's value,
defaults included, the init signals sent), made without ``Model.__init__``'s descriptors."""

import pytest
from auditlog.models import LogEntry
from django.db.models.signals import post_init

from core.db import instance_maker
from members.models import Member


def field_values(obj):
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


@pytest.mark.parametrize("model, values", [
    (Member, {"name": "王建国", "id_number": "140802198001010011", "committee_id": 3,
              "branch_id": None, "mobile": "13900000000"}),
    (LogEntry, {"object_pk": "7", "object_id": 7, "object_repr": "王建国", "action": 0,
                "changes": {"name": ["None", "王建国"]}, "content_type_id": 2}),
])
def test_it_makes_what_the_model_makes(model, values):
    made, expected = instance_maker(model)(**values), model(**values)
    made_values, expected_values = field_values(made), field_values(expected)
    # a callable default (LogEntry's timestamp: now) is called for each instance
    for name in ("timestamp",):
        if name in expected_values:
            assert made_values.pop(name) is not None
            expected_values.pop(name)
    assert made_values == expected_values
    assert made._state.adding and made._state.db is None and made.pk is None


def test_the_init_signals_are_sent():
    seen = []

    def remember(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(remember, sender=Member)
    try:
        member = instance_maker(Member)(name="李秀英")
    finally:
        post_init.disconnect(remember, sender=Member)
    assert seen == [member]


def test_an_unknown_name_is_refused_as_the_model_refuses_it():
    with pytest.raises(TypeError):
        Member(committee_name="学苑")
    with pytest.raises(TypeError, match="committee_name"):
        instance_maker(Member)(committee_name="学苑")
