"""Item statistics for the admin: facility, discrimination, options chosen and the bank's score distribution,
on ten graded attempts whose figures are worked out by hand below, through the page and the CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from tests.content_fixture import load_test_content
from tests.helpers import login, text
from training.extensions import db
from training.models import Course, Role, User
from training.services import audit, content_loader, quiz
from training.web.settings import certificate_settings

PAGE = "/admin/item-statistics/test-course"

# The fixture bank has four questions, all drawn every time; pass mark 75 %.
# Each kind of attempt: (how many, answers, item scores for t-single, t-multi, t-true, t-single-2).
KINDS = [
    (4, {"t-single": ["a"], "t-multi": ["a", "b"], "t-true": ["true"], "t-single-2": ["x"]}, (1, 1, 1, 1)),  # A
    (3, {"t-single": ["a"], "t-multi": ["a"], "t-true": ["true"], "t-single-2": ["y"]}, (1, 0, 1, 0)),  # B
    (2, {"t-single": ["b"], "t-multi": ["c"], "t-true": ["true"], "t-single-2": ["x"]}, (0, 0, 1, 1)),  # C
    (1, {"t-single": ["a"], "t-multi": [], "t-true": ["false"], "t-single-2": ["y"]}, (1, 0, 0, 0)),  # D
]
# Facility = share right: t-single A4+B3+D1 = 8/10; t-multi A4 = 4/10; t-true A4+B3+C2 = 9/10; t-single-2 A4+C2 = 6/10.
#
# Discrimination = 100 * r(x, rest), x the item score, rest the other 3 questions' score (every attempt has 3
# others, so counts correlate as fractions do). With means over the 10 attempts:
#   r = (mean(x·rest) - mean(x)·mean(rest)) / sqrt(var(x) · var(rest)),  var(v) = mean(v²) - mean(v)²
# t-single: x A1 B1 C0 D1, rest A3 B1 C2 D0. mean x .8, mean rest (12+3+4+0)/10 = 1.9, mean x·rest (12+3)/10 = 1.5;
#   cov 1.5 - 1.52 = -.02; var x .16; var rest (36+3+8)/10 - 3.61 = 1.09; r = -.02/sqrt(.1744) = -.0479 -> -4.8
# t-multi: x A1 only, rest A3 B2 C2 D1. mean rest (12+6+4+1)/10 = 2.3; mean x·rest 1.2; cov 1.2 - .92 = .28;
#   var x .24; var rest (36+12+8+1)/10 - 5.29 = .41; r = .28/sqrt(.0984) = .8926 -> 89.3
# t-true: x A1 B1 C1 D0, rest A3 B1 C1 D1. mean rest 1.8; mean x·rest 1.7; cov 1.7 - 1.62 = .08; var x .09;
#   var rest 4.2 - 3.24 = .96; r = .08/sqrt(.0864) = .2722 -> 27.2
# t-single-2: x A1 B0 C1 D0, rest A3 B2 C1 D1. mean rest 2.1; mean x·rest 1.4; cov 1.4 - 1.26 = .14; var x .24;
#   var rest 5.1 - 4.41 = .69; r = .14/sqrt(.1656) = .3440 -> 34.4
EXPECTED = {  # facility, discrimination, flags
    "t-single": ("80.0", "-4.8", ["negative discrimination"]),
    "t-multi": ("40.0", "89.3", []),
    "t-true": ("90.0", "27.2", []),  # 90 is not above 90: not too easy
    "t-single-2": ("60.0", "34.4", []),
}
# Options chosen: t-single a by A B D (8), b by C (2); t-multi a by A B (7), b by A (4), c by C (2).
CHOICES = {
    "t-single": "a ✓: 80.0% · b: 20.0% · c: 0.0%",
    "t-multi": "a ✓: 70.0% · b ✓: 40.0% · c: 20.0%",
    "t-true": "true ✓: 90.0% · false: 10.0%",
    "t-single-2": "x ✓: 60.0% · y: 40.0%",
}


@pytest.fixture
def seeded(app, tmp_path, make_org, make_user):
    """Ten graded attempts by ten learners through the quiz service, and one abandoned (not counted)."""
    load_test_content(app, tmp_path)
    org = make_org()
    learners = [make_user(org, Role.LEARNER, job_function="cabin_crew") for _ in range(11)]
    with app.app_context():
        course = db.session.scalar(sa.select(Course).where(Course.slug == "test-course"))
        people = iter(learners)
        for count, answers, _ in KINDS:
            for _ in range(count):
                attempt = quiz.start_attempt(db.session.get(User, next(people).id), course)
                assert quiz.submit(attempt, answers, actor=audit.SYSTEM, certificates=certificate_settings())
        abandoned = quiz.start_attempt(db.session.get(User, next(people).id), course)
        quiz.close_timed_out(abandoned, actor=audit.SYSTEM)
    return tmp_path


@pytest.fixture
def admin_client(client, make_org, make_user):
    login(client, make_user(make_org("Platform"), Role.ADMIN).email)
    return client


def _row(page: str, qid: str) -> dict[str, str]:
    row = re.search(rf'<tr id="q-{qid}">(.*?)</tr>', page, re.S).group(1)
    cells = dict(re.findall(r'<td class="(?:num )?(\w+)"[^>]*>(.*?)</td>', row, re.S))
    cells["flags"] = re.findall(r'<span class="badge[^"]*">([^<]+)</span>', cells.get("flags", ""))
    cells["choices"] = re.sub(r"<[^>]+>", "", cells.get("choices", ""))
    return cells


def test_page_figures_match_the_hand_worked_ones(seeded, admin_client):
    page = text(admin_client.get(PAGE))
    assert '<dd id="bank-attempts">10</dd>' in page  # the abandoned attempt is not counted
    assert "40.0%" in page  # pass rate: the four A attempts reach 75 %
    for qid, (facility, discrimination, flags) in EXPECTED.items():
        cells = _row(page, qid)
        assert (cells["facility"], cells["discrimination"], cells["flags"]) == (facility, discrimination, flags), qid
        assert cells["choices"] == CHOICES[qid]
    # Score distribution: A 100 % x4 -> 90-100; B and C 50 % x5 -> 50-59; D 25 % -> 20-29.
    table = re.search(r'<table id="distribution">(.*?)</table>', page, re.S).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', table) == ["0", "0", "1", "0", "0", "5", "0", "0", "0", "4"]
    assert '<svg class="chart"' in page


def test_csv_has_the_same_figures(seeded, admin_client):
    response = admin_client.get(f"{PAGE}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    by_id = {row["Question"]: row for row in rows}
    assert list(by_id) == ["t-single", "t-multi", "t-true", "t-single-2"]
    for qid, (facility, discrimination, flags) in EXPECTED.items():
        row = by_id[qid]
        assert (row["Attempts"], row["Facility %"], row["Discrimination index"]) == ("10", facility, discrimination)
        assert row["Flags"] == ", ".join(flags)
    assert by_id["t-multi"]["Options chosen %"] == "a*=70.0; b*=40.0; c=20.0"


def test_unchanged_questions_keep_their_attempts_across_versions(app, seeded, admin_client):
    bank = seeded / "quizzes" / "test-course.yaml"
    bank.write_text(bank.read_text().replace("SINGLE2-PROMPT what do you do?", "SINGLE2-PROMPT what now?"))
    with app.app_context():
        assert content_loader.load_content(seeded).new_versions == ["test-course"]
    page = text(admin_client.get(PAGE))
    assert (_row(page, "t-single")["facility"], _row(page, "t-single")["discrimination"]) == ("80.0", "-4.8")
    changed = _row(page, "t-single-2")
    assert (changed["facility"], changed["flags"]) == ("—", ["not enough attempts yet"])
    assert re.search(r'<tr id="q-t-single-2">.*?data-label="Attempts">0</td>', page, re.S)


def test_figures_wait_for_the_minimum_number_of_attempts(app, tmp_path, admin_client, make_org, make_user):
    load_test_content(app, tmp_path)
    page = text(admin_client.get(PAGE))
    assert "Not enough attempts yet" in page
    assert _row(page, "t-single")["flags"] == ["not enough attempts yet"]
    assert admin_client.get("/admin/item-statistics").status_code == 200
    assert admin_client.get("/admin/item-statistics/no-such-bank").status_code == 404
    assert admin_client.get("/admin/item-statistics/no-such-bank.csv").status_code == 404


@pytest.mark.parametrize("role", [Role.LEARNER, Role.MANAGER, Role.AUDITOR])
def test_only_the_admin_sees_item_statistics(app, tmp_path, client, make_org, make_user, role):
    load_test_content(app, tmp_path)
    login(client, make_user(make_org(), role).email)
    for url in ("/admin/item-statistics", PAGE, f"{PAGE}.csv"):
        assert client.get(url).status_code == 403, url
