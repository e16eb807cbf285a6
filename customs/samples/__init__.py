"""Synthetic records, the labelled corpus and its scoring: what the demo feeds, `customs eval` scores and the
benchmarks under load/ drive. Never imported by the core of one record (customs/inspection.py and below)."""
