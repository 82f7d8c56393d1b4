"""Drawing answer sheets: the canvas, the page drawing, PNG and PDF output."""
