"""A whole synthetic exam, end to end: `exam-center demo`."""
