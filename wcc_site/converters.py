class IdConverter:
    """A database id: at most nine digits, so an absurd number is a 404, not an
    integer overflow in the database."""

    regex = "[0-9]{1,9}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
