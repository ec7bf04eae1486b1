"""What the admin's index shows about mail: a banner while outgoing mail keeps failing."""

from .outbox import failing_since


def outbox_alert(request) -> dict:
    # A callable: the template calls it, so only the page that shows the banner queries.
    return {"outbox_failing_since": failing_since}
