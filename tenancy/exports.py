"""What every export shares: a spreadsheet cell never runs what a record says."""

# A cell starting with one of these is read by spreadsheets as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """Text that a spreadsheet would read as a formula, prefixed with ' so it shows as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
