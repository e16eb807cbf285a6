"""Browser tests: Debian's Chromium, driven by Playwright, against the review service and a real broker.

The broker fixtures come from tests/conftest.py, shared with the integration tier.
"""
