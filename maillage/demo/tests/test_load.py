"""Loading the demo network into the database, and the `maillage demo` command."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from maillage.core.models import Activity, Member, Operator, Role, Space
from maillage.demo.generator import DemoConfig, generate
from maillage.demo.load import DEMO_PASSWORD, DemoLoadError, load_demo
from maillage.demo.models import DemoRun, DemoTruth
from maillage.members.models import User

pytestmark = pytest.mark.django_db

CONFIG = DemoConfig(members=12, today=dt.date(2026, 1, 15))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """PBKDF2 is deliberately slow; these tests check the password works, not its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def counts() -> tuple[int, ...]:
    return (
        Operator.objects.count(),
        Space.objects.count(),
        User.objects.count(),
        Member.objects.count(),
        Activity.objects.count(),
        DemoTruth.objects.count(),
        DemoRun.objects.count(),
    )


def test_it_loads_the_whole_network() -> None:
    result = load_demo(CONFIG)

    network = generate(CONFIG)
    lines = sum(1 for _ in network.activities())
    assert result.loaded
    assert (result.operators, result.spaces, result.members) == (2, 4, 17)
    assert result.activities == lines + 17  # and the "joined" line of each member
    assert counts() == (2, 4, 17, 17, lines + 17, 17, 1)
    assert DemoRun.objects.get().completed_at is not None


def test_it_duplicates_nothing_when_run_twice() -> None:
    first = load_demo(CONFIG)
    before = counts()

    second = load_demo(CONFIG)

    assert not second.loaded
    assert counts() == before
    assert (second.operators, second.spaces, second.members, second.activities) == (
        first.operators,
        first.spaces,
        first.members,
        first.activities,
    )
    assert second.logins == first.logins


def test_it_leaves_a_database_with_ruche_and_co_alone() -> None:
    from maillage.core.services import operator_create

    operator_create(name="Ruche & Co", slug="ruche-and-co")

    result = load_demo(CONFIG)

    assert not result.loaded
    assert Member.objects.count() == 0


def test_it_refuses_to_complete_an_interrupted_load() -> None:
    DemoRun.objects.create(members=12, spaces=3, seed=42, history_ends_on=dt.date(2026, 1, 15))

    with pytest.raises(DemoLoadError, match="incomplete"):
        load_demo(CONFIG)


def test_it_gives_the_personas_their_roles_and_spaces() -> None:
    load_demo(CONFIG)

    def record(email: str) -> Member:
        return Member.objects.select_related("operator", "home_space").get(user__email=email)

    claire = record("claire@ruche.example")
    assert (claire.role, claire.operator.slug, claire.home_space.name) == (
        Role.ADMIN,
        "ruche-and-co",
        "La Filature",
    )
    malik = record("malik@ruche.example")
    assert malik.role == Role.MANAGER
    assert [s.name for s in malik.managed_spaces.all()] == ["La Filature"]
    ines, hugo = record("ines@ruche.example"), record("hugo@ruche.example")
    assert (ines.role, ines.home_space.name) == (Role.MEMBER, "La Filature")
    assert (hugo.role, hugo.home_space.name) == (Role.MEMBER, "Le Quai")
    zoe = record("zoe@grenier.example")
    assert (zoe.operator.slug, zoe.home_space.name) == ("le-grenier", "Le Grenier")
    assert Member.objects.filter(user__email="zoe@grenier.example").count() == 1
    managed = {
        s.name for m in Member.objects.filter(role=Role.MANAGER) for s in m.managed_spaces.all()
    }
    assert managed == {"La Filature", "Le Quai", "Le Belvédère"}
    assert User.objects.get(email="ines@ruche.example").full_name == "Inès Moreau"


def test_it_lets_every_demo_account_log_in_with_the_demo_password() -> None:
    result = load_demo(CONFIG)

    assert [email for _, email, _ in result.logins] == [
        "claire@ruche.example",
        "malik@ruche.example",
        "ines@ruche.example",
        "hugo@ruche.example",
        "zoe@grenier.example",
    ]
    for _, email, password in result.logins:
        assert password == DEMO_PASSWORD
        assert authenticate(email=email, password=password) is not None
    anyone = User.objects.filter(email__endswith="@demo.maillage.example").first()
    assert anyone.check_password(DEMO_PASSWORD)


def test_it_keeps_each_activity_with_its_members_operator() -> None:
    load_demo(CONFIG)

    assert not Activity.objects.exclude(operator=F("member__operator")).exists()
    assert not Activity.objects.exclude(operator=F("space__operator")).exists()
    zoe = Member.objects.get(user__email="zoe@grenier.example")
    assert set(Activity.objects.filter(member=zoe).values_list("space__name", flat=True)) == {
        "Le Grenier"
    }


def test_it_stores_the_hidden_archetype_of_each_member() -> None:
    load_demo(CONFIG)

    labels = dict(DemoTruth.objects.values_list("member__user__email", "archetype"))
    assert labels["hugo@ruche.example"] == "tenant"
    assert labels["ines@ruche.example"] == "coworker"
    assert labels["claire@ruche.example"] == "staff"
    assert len(labels) == Member.objects.count()


def test_it_streams_the_ledger_in_chunks() -> None:
    messages: list[str] = []

    result = load_demo(CONFIG, progress=messages.append, ledger_chunk=300)

    assert sum("ledger:" in m for m in messages) >= 3
    assert Activity.objects.count() == result.activities


def test_it_runs_the_command_without_serving() -> None:
    out = io.StringIO()

    call_command("demo", "--no-serve", "--members", "12", stdout=out)
    call_command("demo", "--no-serve", "--members", "12", stdout=out)

    text = out.getvalue()
    assert "Demo network loaded" in text
    assert "already loaded" in text
    for email in ("claire@ruche.example", "malik@ruche.example", "ines@ruche.example"):
        assert email in text
    assert DEMO_PASSWORD in text
    assert Member.objects.filter(role=Role.MEMBER).count() == 12


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--members", "4", "--members must be at least 5"),
        ("--spaces", "2", "--spaces must be between 3 and 1,000"),
        ("--spaces", "1001", "--spaces must be between 3 and 1,000"),
        ("--port", "0", "--port must be between 1 and 65535"),
        ("--port", "70000", "--port must be between 1 and 65535"),
    ],
)
def test_it_refuses_bad_options_in_one_line(option: str, value: str, message: str) -> None:
    with pytest.raises(CommandError, match=message) as error:
        call_command("demo", "--no-serve", option, value)
    assert "\n" not in str(error.value)
    assert Member.objects.count() == 0
