"""What the test database says of itself."""

from django.db import connection


def prepared_statements(fragment: str) -> int:
    """How many statements this connection has prepared whose text holds `fragment`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            [f"%{fragment}%"],
        )
        return cursor.fetchone()[0]
