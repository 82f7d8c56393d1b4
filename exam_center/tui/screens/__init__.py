"""The app's screens: one module per screen, each registered in `exam_center.tui.registry`."""
