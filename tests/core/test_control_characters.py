"""Text with control characters (copied in from another program) is refused with a message on
its field, by every model's free-text fields; and a name that looks like a formula cannot
become one in the import template."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import Branch, BranchKind
from core.validators import PORTAL_APPS, refuse_control_characters


@pytest.mark.parametrize("text", ["学苑\x01支部", "\x00", "a\x7fb", "\x1b[31m"])
def test_control_characters_are_refused(text):
    with pytest.raises(ValidationError):
        refuse_control_characters(text)


@pytest.mark.parametrize("text", ["学苑社区居民党支部", "第一行\n第二行\r\n", "甲\t乙", ""])
def test_text_lines_and_tabs_pass(text):
    refuse_control_characters(text)


def test_every_free_text_field_of_the_portal_is_guarded():
    from django.apps import apps
    from django.db.models import CharField, TextField

    unguarded = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models() if model._meta.app_label in PORTAL_APPS
        for field in model._meta.concrete_fields
        if isinstance(field, CharField | TextField) and not field.choices
        and refuse_control_characters not in field.validators
    ]
    assert unguarded == []


def test_a_branch_named_with_a_control_character_is_refused_on_its_field(login, world):
    response = login(world.secretary_a).post(
        reverse("branches:branch-create", kwargs={"committee_pk": world.a.pk}),
        {"parent": "", "kind": "residents", "name": "学苑\x01新支部", "secretary": "",
         "unit": "", "founded": ""},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not Branch.objects.filter(name__startswith="学苑").exclude(
        pk__in=[world.a_branch.pk, world.a_group.pk, world.a_retirees.pk]).exists()


def test_the_import_template_never_carries_a_live_formula(login, world):
    Branch.objects.create(committee=world.a, kind=BranchKind.RESIDENTS,
                          name='=HYPERLINK("http://x","点我")')
    response = login(world.secretary_a).get(
        reverse("members:roster-import-template", args=[world.a.pk]))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    cells = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str)]
    assert any("HYPERLINK" in c for c in cells)
    assert not any(c.startswith("=") for c in cells)
