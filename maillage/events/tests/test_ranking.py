"""Ranking events for a member (pure), and the home page's "for you" card (database)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from maillage.events import ranking, selectors, services
from maillage.events.models import Attendance, EventVisibility, Rsvp
from maillage.members.models import Interest, Profile

INES = ranking.MemberFeatures(
    member_id=1, operator_id=10, home_space_id=100, interests=frozenset({7, 8}),
    skills=frozenset({50}), kinds={"lunch": 3}, known=frozenset({2, 3}),
)  # fmt: skip


def event(event_id, **kw):
    defaults = {"operator_id": 10, "space_id": 100, "kind": "talk", "hours_until": 48.0}
    defaults.update(kw)
    return ranking.EventFeatures(event_id=event_id, **defaults)


def order(events, member=INES):
    return [s.event_id for s in ranking.rank(member, events, k=len(events))]


def test_it_puts_an_event_matching_the_members_interests_first():
    assert order([event(1), event(2, interests=frozenset({7}))]) == [2, 1]


def test_it_prefers_skills_and_the_types_of_event_already_enjoyed():
    assert order([event(1), event(2, skills=frozenset({50}))]) == [2, 1]
    assert order([event(1), event(2, kind="lunch")]) == [2, 1]


def test_it_prefers_events_where_people_not_met_yet_are_going():
    strangers = event(1, going=frozenset({20, 21, 22}))
    friends = event(2, going=frozenset({2, 3}))
    nobody = event(3)
    assert order([nobody, friends, strangers]) == [1, 2, 3]
    (scored,) = ranking.rank(INES, [strangers], k=1)
    assert dict(scored.reasons)["new_people"] == 3


def test_it_prefers_the_members_own_space_then_operator_then_network():
    home = event(1)
    other_space = event(2, space_id=101)
    network = event(3, operator_id=11, space_id=300)
    assert order([network, other_space, home]) == [1, 2, 3]


def test_it_prefers_sooner_events_and_lowers_full_ones():
    assert order([event(1, hours_until=24 * 20), event(2, hours_until=24)]) == [2, 1]
    assert order([event(1, full=True), event(2)]) == [2, 1]


def test_it_does_not_count_the_member_among_the_people_going():
    alone = ranking.score(INES, event(1, going=frozenset({1})))
    assert "new_people" not in dict(alone.reasons)


def test_it_breaks_ties_by_time_then_id_and_returns_k():
    events = [event(i, hours_until=10.0) for i in (5, 3, 4)]
    assert order(events) == [3, 4, 5]
    assert len(ranking.rank(INES, events, k=2)) == 2


# --- the home page ------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_ranks_for_ines_the_events_of_her_interests_and_hides_those_she_answered(
    personas, make_event, members
):
    cooking = Interest.objects.get(slug="cuisine")
    profile, _ = Profile.objects.get_or_create(member=personas.ines)
    profile.interests.add(cooking)
    plain = make_event(title="Conférence", kind="talk", start="09:00", end="10:00")
    make_event(title="Atelier cuisine", kind="workshop", interests=[cooking],
                      start="14:00", end="15:00")  # fmt: skip
    answered = make_event(title="Déjà répondu", start="16:00", end="17:00")
    services.event_rsvp(event=answered, member=personas.ines, status="going")
    services.event_rsvp(event=plain, member=members[0], status="going")
    result = selectors.for_you(personas.ines)
    shown = {item.event.title: item for item in result["items"]}
    assert list(shown) == ["Conférence", "Atelier cuisine"]  # listed by date
    assert shown["Atelier cuisine"].score > shown["Conférence"].score  # ranked by interest
    assert result["going_to"] == 1
    assert shown["Atelier cuisine"].reasons[0] == "For you: Cooking"
    assert "1 person you have not met yet is going" in shown["Conférence"].reasons


@pytest.mark.django_db
def test_it_knows_whom_a_member_already_met_at_events(personas, make_event, members):
    past = make_event(title="Passé")
    for member in (personas.ines, members[0]):
        services.event_rsvp(event=past, member=member, status="going")
    Rsvp.objects.filter(event=past).update(attendance=Attendance.ATTENDED)
    features = selectors.member_features(personas.ines, now=past.ends_at + dt.timedelta(days=1))
    assert features.known == frozenset({members[0].pk})
    assert features.kinds == {"lunch": 1}


@pytest.mark.django_db
def test_it_shows_network_events_of_other_operators_but_not_their_members_events(
    personas, make_event
):
    make_event(by=personas.zoe, space=personas.grenier_space, title="Interne Grenier")
    make_event(by=personas.zoe, space=personas.grenier_space, title="Ouvert au réseau",
               visibility=EventVisibility.NETWORK, start="15:00", end="16:00")  # fmt: skip
    titles = [i.event.title for i in selectors.for_you(personas.ines)["items"]]
    assert titles == ["Ouvert au réseau"]


@pytest.mark.django_db
def test_it_reads_the_ranking_in_a_fixed_number_of_queries(
    login, personas, make_event, members, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from maillage.events.tests.conftest import next_weekday

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.for_you(personas.ines)
        return len(captured)

    day = next_weekday(timezone.localdate())
    make_event(title="Un seul", day=day)
    few = queries()
    for week in range(1, 6):
        for hour, kind in ((9, "breakfast"), (12, "lunch"), (16, "talk")):
            event = make_event(title=f"Événement {week}-{hour}", day=day + dt.timedelta(weeks=week),
                               start=f"{hour:02d}:00", end=f"{hour + 1:02d}:00", kind=kind)  # fmt: skip
            for member in members:
                services.event_rsvp(event=event, member=member, status="going")
    assert queries() == few
    page = login(personas.ines).get("/").content.decode()
    assert 'id="ev-for-you-title"' in page
    assert page.count('class="ev-item ') == 4
    assert reverse("event_propose") in page


@pytest.mark.django_db
def test_it_shares_a_spaces_candidates_between_views_and_renews_them_when_events_change(
    personas, make_event, members
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def titles_and_queries(member):
        with CaptureQueriesContext(connection) as captured:
            items = selectors.for_you(member)["items"]
        return [i.event.title for i in items], len(captured)

    lunch = make_event(title="Déjeuner")
    first, cold = titles_and_queries(personas.ines)
    again, warm = titles_and_queries(personas.ines)
    assert first == again == ["Déjeuner"]
    assert warm == cold - 3  # the candidates and Inès's features come from the cache
    # Léa, of the same space, reads the same candidates (only her own features are read).
    assert titles_and_queries(members[0]) == (["Déjeuner"], cold - 1)
    # A new event, a cancelled one: the next view knows at once.
    make_event(title="Atelier", kind="workshop", start="15:00", end="16:00")
    titles, queries = titles_and_queries(personas.ines)
    assert sorted(titles) == ["Atelier", "Déjeuner"] and queries == cold
    services.event_cancel(event=lunch, by=personas.malik, reason="")
    assert titles_and_queries(personas.ines)[0] == ["Atelier"]
    # RSVPs do not renew the pool (the seats only weigh in the ranking), but answered events
    # leave the member's list at once.
    atelier = lunch.__class__.objects.get(title="Atelier")
    services.event_rsvp(event=atelier, member=personas.ines, status="going")
    titles, queries = titles_and_queries(personas.ines)
    assert titles == [] and queries < cold


def test_it_keeps_one_date_of_a_repeating_event_and_varies_the_types():
    lunches = [event(i, kind="lunch", series_id=9, hours_until=24.0 * i) for i in range(1, 5)]
    talks = [event(10 + i, kind="talk", hours_until=24.0 * i) for i in range(1, 4)]
    workshop = event(20, kind="workshop", hours_until=24.0 * 9)
    chosen = ranking.rank(INES, [*lunches, *talks, workshop], k=4, max_per_kind=2)
    kinds = [next(e.kind for e in [*lunches, *talks, workshop] if e.event_id == s.event_id)
             for s in chosen]  # fmt: skip
    assert kinds.count("lunch") == 1
    assert kinds.count("talk") == 2
    assert next(s.event_id for s in chosen) == 1  # the lunch Inès likes, its soonest date


@pytest.mark.django_db
def test_it_lists_the_chosen_events_by_date(personas, make_event):
    make_event(title="Plus tard", start="18:00", end="19:00")
    make_event(title="Plus tôt", kind="workshop", start="09:00", end="10:00")
    items = selectors.for_you(personas.ines)["items"]
    starts = [item.event.starts_at for item in items]
    assert len(items) == 2 and starts == sorted(starts)


@pytest.mark.django_db
def test_going_to_counts_every_published_event_to_come_the_member_is_going_to(
    personas, make_event, day
):
    """The card's "You are going to N events": going or on the waiting list, published and
    still to come, whether or not the event is among the ranked candidates (it may be
    further than the weeks ranked); not maybe, not a cancelled event."""
    import datetime as dt

    far = make_event(title="Dans deux mois", day=day + dt.timedelta(weeks=9))
    near = make_event(title="Bientôt", kind="workshop")
    maybe = make_event(title="Peut-être", kind="talk", start="15:00", end="16:00")
    gone = make_event(title="Annulé", kind="breakfast", start="08:00", end="09:00")
    for event in (far, near, gone):
        services.event_rsvp(event=event, member=personas.ines, status="going")
    services.event_rsvp(event=maybe, member=personas.ines, status="maybe")
    services.event_cancel(event=gone, by=personas.malik, reason="")
    found = selectors.for_you(personas.ines)
    assert found["going_to"] == 2
    assert found["items"] == []  # every one answered (or cancelled)


@pytest.mark.django_db
def test_a_process_keeps_one_pool_per_space_however_often_events_change(
    personas, make_event, members
):
    """Each change of an event renews the generation; the next view of a space replaces that
    space's pool instead of adding one (the pools would pile up until they expire)."""
    make_event(title="Déjeuner")
    for _ in range(5):
        selectors.for_you(personas.ines)  # La Filature
        selectors.for_you(personas.hugo)  # Le Quai
        selectors.pool_touch()
    assert len(selectors._pools) == 2
    assert set(selectors._pools) == {
        (personas.ines.operator_id, personas.filature.pk),
        (personas.hugo.operator_id, personas.quai.pk),
    }


@pytest.mark.django_db
def test_without_a_working_cache_nothing_is_kept(personas, make_event, settings):
    """A dummy cache (or one that is down) keeps no generation: the pool is read each time,
    as before there was one, rather than kept with no way to renew it."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert selectors._generation() is None
    make_event(title="Déjeuner")
    assert [i.event.title for i in selectors.for_you(personas.ines)["items"]] == ["Déjeuner"]
    assert len(selectors._pools) == 0
