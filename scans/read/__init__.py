"""Reading a scanned page: geometry, QR, grid, marks, decisions, overlays."""
