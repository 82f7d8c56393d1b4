"""Simulated filled and scanned sheets, with two independent mark models."""
