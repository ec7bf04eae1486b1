"""The gate for changing people and organizations, wherever it is asked (the API's people
endpoints, and again in the services): who adds, changes or deactivates a customer, and who
adds or changes an organization. Seeing them is the askers' business (the API scopes its
lists by the tickets a manager oversees)."""

from .models import User


def may_manage_people(user) -> bool:
    """Adds, changes and deactivates customers, and adds and changes organizations: an active
    administrator, as in the administration (its pages are theirs alone)."""
    if not isinstance(user, User):
        return False
    if not user.is_active:
        return False
    return user.is_administrator


def may_change_person(user, person: User) -> bool:
    """Changes or deactivates `person`: one who manages people, and only a customer (the staff
    are changed in the administration, with their departments and permissions)."""
    if not may_manage_people(user):
        return False
    return person.is_customer
