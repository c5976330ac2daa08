"""An activity is visible through `node(id:)` to whoever may see it, and absent for others."""

import pytest
from strawberry.relay import to_base64

from tests.factories import make_activity, make_follow, make_superuser, make_user

pytestmark = pytest.mark.django_db

NODE = "query($id: ID!) { node(id: $id) { id ... on Activity { verb actor { username } } } }"


@pytest.mark.parametrize(
    ("privacy", "visible_to"),
    [
        ("public", {"anonymous", "owner", "follower", "stranger", "staff"}),
        ("followers", {"owner", "follower"}),
        ("private", {"owner"}),
    ],
)
def test_activity_node_follows_its_privacy(gql, privacy, visible_to):
    ada = make_user("ada")
    follower = make_user()
    make_follow(follower, ada)
    activity = make_activity(ada, privacy=privacy)
    global_id = to_base64("Activity", activity.pk)
    viewers = {
        "anonymous": None,
        "owner": ada,
        "follower": follower,
        "stranger": make_user(),
        "staff": make_superuser(),
    }

    for name, viewer in viewers.items():
        gql.logout()
        if viewer is not None:
            gql.login(viewer)
        result = gql(NODE, {"id": global_id})
        node = (result.get("data") or {}).get("node")
        if name in visible_to:
            assert node == {"id": global_id, "verb": "SHELVED", "actor": {"username": "ada"}}
        else:
            # Absent, exactly as an id that never existed: null, no error.
            assert node is None and "errors" not in result, name
