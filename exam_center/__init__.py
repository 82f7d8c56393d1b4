"""exam-center: offline exam administration and grading."""

__version__ = "0.1.0"
