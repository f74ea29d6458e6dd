"""The demo logins: an administrator, board members of the demo PCTs and a
reviewer for each demo SHA, all with one published password."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractUser

from assessments.models import Membership, Organisation

from .england import organisation_name
from .tally import Tally

DEMO_PASSWORD = "commissioning-demo"

ADMIN = "admin"


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    organisation: str | None  # NHS organisation code; None for the administrator
    role: str  # a Membership.Role, or ADMIN


PEOPLE: list[Person] = [
    Person("admin", "Alex", "Morgan", None, ADMIN),
    Person("board.northtyneside", "Helen", "Armstrong", "5D8", Membership.Role.BOARD_MEMBER),
    Person("board2.northtyneside", "David", "Charlton", "5D8", Membership.Role.BOARD_MEMBER),
    Person("board.newcastle", "Priya", "Shah", "5D7", Membership.Role.BOARD_MEMBER),
    Person("board.sunderland", "Gary", "Robson", "5KL", Membership.Role.BOARD_MEMBER),
    Person("board.gateshead", "Claire", "Forster", "5KF", Membership.Role.BOARD_MEMBER),
    Person("board.camden", "Tom", "Okafor", "5K7", Membership.Role.BOARD_MEMBER),
    Person("board.islington", "Ruth", "Adeyemi", "5K8", Membership.Role.BOARD_MEMBER),
    Person("board.westminster", "Edward", "Hale", "5LC", Membership.Role.BOARD_MEMBER),
    Person("board.hammersmithfulham", "Sarah", "Kowalski", "5H1", Membership.Role.BOARD_MEMBER),
    Person("reviewer.northeast", "Margaret", "Bell", "Q30", Membership.Role.REVIEWER),
    Person("reviewer.london", "James", "Whitfield", "Q36", Membership.Role.REVIEWER),
]


def ensure_people(organisations: dict[str, Organisation], tally: Tally) -> dict[str, AbstractUser]:
    User = get_user_model()
    existing = User.objects.in_bulk([p.username for p in PEOPLE], field_name="username")
    # Hashing is deliberately slow, and every demo login has the same password anyway.
    password = make_password(DEMO_PASSWORD) if len(existing) < len(PEOPLE) else ""
    people = {}
    for person in PEOPLE:
        user = existing.get(person.username)
        if user is None:
            user = User.objects.create(
                username=person.username, first_name=person.first_name, last_name=person.last_name,
                email=f"{person.username}@example.org", password=password,
                is_staff=person.role == ADMIN, is_superuser=person.role == ADMIN,
            )
        tally.add("Logins", person.username not in existing)
        if person.organisation is not None:
            Membership.objects.get_or_create(
                user=user,
                defaults={"organisation": organisations[person.organisation], "role": person.role},
            )
        people[person.username] = user
    return people


def logins() -> list[tuple[str, str, str, str]]:
    """(username, role, organisation, password) of every demo login that exists.

    The password column says when someone has changed a login's password
    since it was seeded.
    """
    users = get_user_model().objects.in_bulk([p.username for p in PEOPLE], field_name="username")
    demo_hash: dict[str, bool] = {}
    rows = []
    for person in PEOPLE:
        user = users.get(person.username)
        if user is None:
            continue
        # Seeded logins share one hash, so this usually checks a password once.
        if user.password not in demo_hash:
            demo_hash[user.password] = check_password(DEMO_PASSWORD, user.password)
        role = "Administrator" if person.role == ADMIN else Membership.Role(person.role).label
        password = DEMO_PASSWORD if demo_hash[user.password] else "(changed since seeding)"
        rows.append((person.username, role, organisation_name(person.organisation) or "–", password))
    return rows


def board_of(people: dict[str, AbstractUser], code: str) -> list[AbstractUser]:
    return [people[p.username] for p in PEOPLE
            if p.organisation == code and p.role == Membership.Role.BOARD_MEMBER]


def reviewer_of(people: dict[str, AbstractUser], sha_code: str) -> AbstractUser:
    return next(people[p.username] for p in PEOPLE
                if p.organisation == sha_code and p.role == Membership.Role.REVIEWER)
