import pytest


@pytest.fixture(autouse=True)
def _default_categories(request):
    """The 业态 list comes from a data migration, which a transactional (browser) test elsewhere may have
    flushed away; tests using the cast get it back."""
    if "cast" not in request.fixturenames:
        return
    request.getfixturevalue("cast")
    from shian.registry.services import ensure_defaults

    ensure_defaults()
