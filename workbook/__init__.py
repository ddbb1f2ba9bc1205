"""Data folder shipped inside the package as ``xladdin._workbook`` (see pyproject.toml)."""
