"""The registered operations' admin: found by name or hash, read-only."""

import pytest
from django.urls import reverse

from apps.operations.models import RegisteredOperation
from apps.operations.registry import sha256_of
from tests.factories import make_superuser

pytestmark = pytest.mark.django_db

TYPENAME = "query Typename { __typename }"
HELLO = "query Hello { __typename }"


@pytest.fixture
def staff(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client.force_login(make_superuser())
    for name, body in (("Typename", TYPENAME), ("Hello", HELLO)):
        RegisteredOperation.objects.create(
            sha256=sha256_of(body), body=body, operation_name=name, client_name="web"
        )
    return client


def found(staff, q: str) -> list[str]:
    response = staff.get(reverse("admin:operations_registeredoperation_changelist"), {"q": q})
    assert response.status_code == 200
    return sorted(op.operation_name for op in response.context["cl"].result_list)


def test_search_by_name_and_by_hash_or_its_prefix(staff):
    assert found(staff, "hell") == ["Hello"]
    assert found(staff, sha256_of(TYPENAME)) == ["Typename"]
    assert found(staff, sha256_of(TYPENAME)[:10]) == ["Typename"]
    assert found(staff, "web") == ["Hello", "Typename"]


def test_operations_are_read_only_in_the_admin(staff):
    op = RegisteredOperation.objects.get(operation_name="Hello")
    url = reverse("admin:operations_registeredoperation_change", args=[op.pk])
    page = staff.get(url)
    assert page.status_code == 200
    assert HELLO in page.content.decode()
    staff.post(url, {"body": "query Hello { me { id } }"})
    op.refresh_from_db()
    assert op.body == HELLO  # the hash stays the body's
    assert staff.get(reverse("admin:operations_registeredoperation_add")).status_code == 403
