"""Who calls the catalogue: a librarian (by permission), staff, an ordinary reader."""

import pytest
from django.contrib.auth.models import Group, Permission

from tests.factories import make_user


def librarian_permission() -> Permission:
    return Permission.objects.get(codename="librarian", content_type__app_label="catalog")


@pytest.fixture
def librarian():
    user = make_user()
    user.user_permissions.add(librarian_permission())
    return user


@pytest.fixture
def group_librarian():
    group = Group.objects.create(name="Librarians")
    group.permissions.add(librarian_permission())
    user = make_user()
    user.groups.add(group)
    return user


@pytest.fixture
def staff():
    return make_user(is_staff=True)


@pytest.fixture
def reader():
    return make_user()
