"""The count a seeding run keeps, to say at the end what it created and what it found."""

from collections import Counter
from dataclasses import dataclass, field


@dataclass
class Tally:
    """What a seeding run created, and what it found already there."""

    created: Counter = field(default_factory=Counter)
    found: Counter = field(default_factory=Counter)
    kinds: dict[str, None] = field(default_factory=dict)  # in the order first counted

    def add(self, kind: str, created: bool, count: int = 1) -> None:
        self.kinds.setdefault(kind)
        (self.created if created else self.found)[kind] += count

    def lines(self) -> list[str]:
        return [f"{kind}: {self.created[kind]} created, {self.found[kind]} already there"
                for kind in self.kinds]
