"""seating: pure library (imports nothing from exam_center or the other libraries)."""
