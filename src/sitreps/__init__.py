"""sitreps: turn raw news pages into a trustworthy, evidence-linked record of conflict events."""

__version__ = "0.1.0"


def open(path, *, create: bool = False):  # shadows the builtin on purpose: sitreps.open(path)
    """Open a sitreps database: ``sitreps.open("sitreps.db").events(country="SY")``."""
    from sitreps.api import open_database

    return open_database(path, create=create)
