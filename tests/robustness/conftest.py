"""The records every URL in the project can name (the declared access policy test's world)."""

from masip.access.tests.test_policy_table import world  # noqa: F401
