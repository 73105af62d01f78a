"""Vietnamese political and government news -> structured, queryable data."""

__version__ = "0.1.0"
