"""PostgreSQL parses and plans a query a connection repeats once (PG_PREPARE_THRESHOLD)."""

from accounts.models import User
from tests.database import prepared_statements


def test_a_query_run_twice_is_prepared_with_its_values_bound_by_the_server(require_postgres):
    email = "prepared@example.com"
    User.objects.filter(email=email).exists()
    assert prepared_statements('"accounts_user"."email" = $2 LIMIT 1') == 0
    for _ in range(2):
        assert not User.objects.filter(email=email).exists()
    assert prepared_statements('"accounts_user"."email" = $2 LIMIT 1') == 1
    # Another value runs the same statement: nothing typed is ever written into the SQL.
    User.objects.create(email="other@example.com", full_name="Other")
    assert User.objects.filter(email="other@example.com").exists()
    assert prepared_statements('"accounts_user"."email" = $2 LIMIT 1') == 1
