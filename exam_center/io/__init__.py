"""Files in and out: tabular rosters, safe text, the printed and exported reports."""
