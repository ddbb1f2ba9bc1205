"""Data folder shipped inside the package as ``xladdin._templates`` (see pyproject.toml)."""
