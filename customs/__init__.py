"""Data Customs: a streaming data-customs gateway for personal information crossing the Greater Bay Area."""

__version__ = "0.1.0"
