"""Printed documents and exports (PDF, XLSX) built from services' read models."""
