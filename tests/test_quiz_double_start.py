"""A double click on "Start the quiz" opens one attempt, not two (found by the load test)."""

from __future__ import annotations

import re
import threading

import sqlalchemy as sa

from tests.content_fixture import load_test_content
from tests.helpers import csrf_token, login, submit
from training.extensions import db
from training.models import Attempt, Role

COURSE = "/courses/test-course"


def test_two_simultaneous_starts_open_one_attempt(app, client, make_org, make_user, tmp_path):
    load_test_content(app, tmp_path)
    crew = make_user(make_org("Air Crew Co"), Role.LEARNER, job_function="cabin_crew")
    login(client, crew.email)
    for slug in ("m-one", "m-two"):
        done = submit(client, f"{COURSE}/modules/{slug}/complete", form_url=f"{COURSE}/modules/{slug}")
        assert done.status_code == 302
    token = csrf_token(client, f"{COURSE}/quiz")
    barrier = threading.Barrier(2)
    locations: list[str] = []

    def start() -> None:  # the same browser session, two requests at once
        barrier.wait()
        locations.append(client.post(f"{COURSE}/quiz/start", data={"csrf_token": token}).headers.get("Location", ""))

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(locations) == 2
    assert all(re.search(r"/attempts/\d+$", location) for location in locations), locations
    assert locations[0] == locations[1]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(Attempt.user_id == crew.id)) == 1
