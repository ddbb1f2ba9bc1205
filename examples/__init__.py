"""Data folder shipped inside the package as ``xladdin._examples`` (see pyproject.toml)."""
