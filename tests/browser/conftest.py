import pytest


@pytest.fixture
def demo_partnerships(transactional_db):
    """Reference data for tests that drive a browser against live_server."""
    from masip.demo.reference import ensure_reference_data

    return ensure_reference_data()
