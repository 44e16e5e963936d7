"""sitreps: turn raw news pages into a trustworthy, evidence-linked record of conflict events."""

__version__ = "0.1.0"
