"""The demo's stages, in order (the CLI's help names them without importing the demo)."""

STAGES = ("register", "seat", "print", "scan", "grade", "finalise")
