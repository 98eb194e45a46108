"""Sessions end when they should: logout, new password, leaving a team; staff pages after idling."""

import re
import time

import pytest

from portal.extensions import db as _db

from .conftest import PASSWORD

MANAGE = "/c/saint-jean-de-cole/manage/"


def copy_cookies(source, target, names=("session", "remember_token")):
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def login(client, user, remember=False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/account/login", data=data)
    assert response.status_code == 303
    return response


def reset_path(outbox) -> str:
    return re.search(r"https?://[^/\s]+(/account/reset/\S+)", outbox[-1].get_content()).group(1)


def test_a_session_cookie_copied_before_logout_is_dead_after_it(app, team_a):
    browser, thief = app.test_client(), app.test_client()
    login(browser, team_a.manager)
    copy_cookies(browser, thief)
    assert thief.get(MANAGE).status_code == 200  # the copy works while the owner is logged in

    browser.post("/account/logout")

    assert thief.get(MANAGE).status_code in (302, 303)
    assert "/account/login" in thief.get(MANAGE).headers["Location"]


def test_logout_ends_the_sessions_on_every_device(app, team_a):
    office, phone = app.test_client(), app.test_client()
    login(office, team_a.manager)
    login(phone, team_a.manager)
    phone.post("/account/logout")
    assert office.get(MANAGE).status_code in (302, 303)


def test_a_remember_me_cookie_dies_with_logout(app, team_a):
    browser = app.test_client()
    login(browser, team_a.staff, remember=True)
    remembered = app.test_client()
    copy_cookies(browser, remembered, names=("remember_token",))
    assert 'action="/account/logout"' in remembered.get("/").get_data(as_text=True)

    browser.post("/account/logout")

    fresh = app.test_client()
    copy_cookies(remembered, fresh, names=("remember_token",))
    assert 'action="/account/logout"' not in fresh.get("/").get_data(as_text=True)


def test_a_password_reset_ends_other_sessions_and_remember_cookies(app, outbox, resident):
    elsewhere = app.test_client()
    login(elsewhere, resident, remember=True)
    remembered = app.test_client()
    copy_cookies(elsewhere, remembered, names=("remember_token",))

    here = app.test_client()
    here.post("/account/reset", data={"email": resident.email})
    link = reset_path(outbox)
    answer = here.post(link, data={"password": "tout-nouveau-secret", "confirm": "tout-nouveau-secret"})
    assert answer.status_code == 303

    assert 'action="/account/logout"' in here.get("/").get_data(as_text=True)  # this browser stays in
    assert 'action="/account/logout"' not in elsewhere.get("/").get_data(as_text=True)
    assert 'action="/account/logout"' not in remembered.get("/").get_data(as_text=True)


def test_removal_from_the_team_ends_the_members_sessions(app, team_a):
    from portal.models import Membership

    staff = app.test_client()
    login(staff, team_a.staff)
    manager = app.test_client()
    login(manager, team_a.manager)
    membership = _db.session.query(Membership).filter_by(user_id=team_a.staff.id).one()

    response = manager.post(f"{MANAGE}team/{membership.id}/remove")
    assert response.status_code in (200, 303)

    assert 'action="/account/logout"' not in staff.get("/").get_data(as_text=True)


def test_cookies_from_before_session_versions_log_out_quietly(app, resident):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(resident.id)
        session["_fresh"] = True
    page = client.get("/")
    assert page.status_code == 200
    assert 'action="/account/logout"' not in page.get_data(as_text=True)


# Staff pages after a long idle time --------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        MANAGE,
        "/c/saint-jean-de-cole/moderation/",
        "/c/saint-jean-de-cole/help/staff/",
        "/c/saint-jean-de-cole/events/manage/",
    ],
)
def test_staff_pages_ask_for_the_password_after_a_long_idle_time(app, team_a, url):
    client = app.test_client()
    login(client, team_a.manager)
    assert client.get(url).status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 13 * 3600

    asked = client.get(url)
    assert asked.status_code in (302, 303)
    assert asked.headers["Location"].startswith("/account/confirm?next=")
    page = client.get(asked.headers["Location"])
    html = page.get_data(as_text=True)
    assert "Confirmez votre mot de passe" in html

    wrong = client.post(asked.headers["Location"], data={"password": "pas-le-bon"})
    assert wrong.status_code == 422 and "Mot de passe incorrect." in wrong.get_data(as_text=True)
    back = client.post(asked.headers["Location"], data={"password": PASSWORD})
    assert back.status_code == 303 and back.headers["Location"] == url
    assert client.get(url).status_code == 200


def test_resident_pages_do_not_ask_again(app, team_a):
    client = app.test_client()
    login(client, team_a.manager)
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 13 * 3600
    assert client.get("/c/saint-jean-de-cole/").status_code == 200
    assert client.get("/c/saint-jean-de-cole/board/new").status_code == 200


def test_a_session_only_remembered_by_the_cookie_asks_on_staff_pages(app, admin):
    browser = app.test_client()
    login(browser, admin, remember=True)
    next_day = app.test_client()
    copy_cookies(browser, next_day, names=("remember_token",))
    assert next_day.get("/").status_code == 200
    asked = next_day.get("/network/")
    assert asked.status_code in (302, 303) and asked.headers["Location"].startswith("/account/confirm")


def test_idle_time_is_configurable(make_app, team_a):
    app = make_app(STAFF_IDLE_SECONDS=60)
    client = app.test_client()
    login(client, team_a.manager)
    with client.session_transaction() as session:
        session["seen_at"] = int(time.time()) - 120
    assert client.get(MANAGE).status_code in (302, 303)
