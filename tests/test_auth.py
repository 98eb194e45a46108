"""Accounts as a visitor sees them: register, log in and out, reset a forgotten password."""

import re
from urllib.parse import unquote

import pytest
from sqlalchemy import func, select

from portal.models import User

from .conftest import PASSWORD, field_error, flashes, form_value

# What the French UI says (portal/translations/fr and WTForms' own catalogue).
FR_PASSWORDS_DIFFER = "Les deux mots de passe sont différents."
FR_WRONG_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."
FR_CHECK_MAIL = (
    "Vérifiez votre messagerie : nous avons envoyé un message à %(email)s. Si cette adresse "
    "est nouvelle, votre compte est prêt : connectez-vous avec le mot de passe choisi."
)
FR_WELCOME = "Bienvenue, %(name)s."
FR_LOGGED_OUT = "Vous êtes déconnecté·e."
FR_RESET_SENT = (
    "Si un compte utilise cette adresse, nous venons d’y envoyer un lien "
    "pour choisir un nouveau mot de passe."
)
FR_RESET_LINK_DEAD = "Ce lien a expiré ou a déjà servi. Demandez-en un nouveau."
FR_PASSWORD_CHANGED = "Votre mot de passe a été modifié."
FR_INVALID_EMAIL = "Adresse électronique non valide."
FR_REQUIRED = "Ce champ est requis."
FR_PASSWORD_LENGTH = "La longueur du champ doit être comprise entre 8 et 200 caractères."

NEW_PASSWORD = "un-nouveau-mot-de-passe"


# --- helpers -----------------------------------------------------------------------------


def is_logged_in(client) -> bool:
    """Whether the page header offers to log out (and not to log in)."""
    page = client.get("/").get_data(as_text=True)
    return 'action="/account/logout"' in page


def user_count(db) -> int:
    return db.session.scalar(select(func.count(User.id)))


def register(
    client, name="Marcel Dupuis", email="marcel@example.org", password=PASSWORD, confirm=None, **kwargs
):
    data = {
        "display_name": name,
        "email": email,
        "password": password,
        "confirm": password if confirm is None else confirm,
    }
    return client.post("/account/register", data=data, **kwargs)


def reset_link(message) -> str:
    """The path of the reset link in a mail."""
    match = re.search(r"https?://[^/\s]+(/account/reset/\S+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def ask_reset(client, outbox, email: str) -> str:
    client.post("/account/reset", data={"email": email})
    return reset_link(outbox[-1])


# --- register ----------------------------------------------------------------------------


def check_your_mail(email: str) -> str:
    return FR_CHECK_MAIL % {"email": email}


def test_register_creates_the_account_and_says_to_check_the_mail(client, auth, db, outbox):
    response = register(client, follow_redirects=True)

    assert response.status_code == 200
    assert response.request.path == "/account/login"
    assert check_your_mail("marcel@example.org") in flashes(response.get_data(as_text=True))
    user = db.session.scalar(select(User).where(User.email == "marcel@example.org"))
    assert user.display_name == "Marcel Dupuis"
    assert not user.is_network_admin
    assert user.memberships == []
    [welcome] = outbox
    assert welcome["To"] == "marcel@example.org" and welcome["Subject"] == "Bienvenue sur Comptoir"
    assert "http://localhost/account/login" in welcome.get_content()
    assert auth.login(user).status_code == 303
    assert is_logged_in(client)


def test_register_stores_email_in_lower_case_without_spaces(client, db):
    register(client, email="  Marcel@Example.ORG ")
    assert db.session.scalar(select(User.email)) == "marcel@example.org"


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        (None, "/account/login?next=/"),
        ("/c/saint-jean-de-cole/", "/account/login?next=/c/saint-jean-de-cole/"),
        ("https://evil.example", "/account/login?next=/"),
    ],
)
def test_register_follows_next_only_to_a_local_path(client, next_url, expected):
    response = client.post(
        "/account/register",
        query_string={"next": next_url} if next_url else None,
        data={"display_name": "A", "email": "a@example.org", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 303
    assert unquote(response.headers["Location"]) == expected


@pytest.mark.parametrize("taken", ["habitant@example.org", "Habitant@Example.org"])
def test_register_with_a_taken_email_answers_as_for_a_new_one_and_tells_the_owner(
    client, db, outbox, resident, taken
):
    before = user_count(db)
    new = register(client, name="Marcel", email="nouveau@example.org")
    response = register(client, name="Jeanne Bis", email=taken)

    # Same status, same place, same words: the page does not tell who has an account.
    assert response.status_code == new.status_code == 303
    assert response.headers["Location"] == new.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert check_your_mail("habitant@example.org") in flashes(page)
    assert "Un compte utilise déjà" not in page
    assert user_count(db) == before + 1  # only the new address made an account
    assert not is_logged_in(client)
    owner_mail = outbox[-1]
    assert owner_mail["To"] == "habitant@example.org"
    assert owner_mail["Subject"] == "Vous avez déjà un compte Comptoir"
    assert "http://localhost/account/reset" in owner_mail.get_content()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password": "court", "confirm": "court"}, "password", FR_PASSWORD_LENGTH),
        ({"confirm": "something-else"}, "confirm", FR_PASSWORDS_DIFFER),
        ({"email": "marcel.example.org"}, "email", FR_INVALID_EMAIL),
        ({"email": "marcel@"}, "email", FR_INVALID_EMAIL),
        ({"display_name": ""}, "display_name", FR_REQUIRED),
        ({"display_name": "   "}, "display_name", FR_REQUIRED),
    ],
    ids=[
        "short-password",
        "confirmation-differs",
        "email-without-at",
        "email-without-domain",
        "no-name",
        "blank-name",
    ],
)
def test_register_bad_input_is_explained_and_kept(client, db, changes, field, message):
    data = {
        "display_name": "Marcel Dupuis",
        "email": "marcel@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        **changes,
    }

    response = client.post("/account/register", data=data)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, field) == message
    assert form_value(page, "display_name") == data["display_name"].strip()
    assert form_value(page, "email") == data["email"]
    # Passwords are never written back into the page.
    assert data["password"] not in page
    assert user_count(db) == 0
    assert not is_logged_in(client)


# --- log in and out ----------------------------------------------------------------------


def test_login_welcomes_by_name(client, resident):
    response = client.post(
        "/account/login", data={"email": resident.email, "password": PASSWORD}, follow_redirects=True
    )

    assert response.status_code == 200
    assert response.request.path == "/"
    assert FR_WELCOME % {"name": "Jeanne Habitante"} in flashes(response.get_data(as_text=True))
    assert is_logged_in(client)


@pytest.mark.parametrize(
    "typed", ["HABITANT@example.org", " habitant@example.org ", "habitant@example.org\t"]
)
def test_login_ignores_case_and_spaces_around_the_email(client, resident, typed):
    response = client.post("/account/login", data={"email": typed, "password": PASSWORD})
    assert response.status_code == 303
    assert is_logged_in(client)


@pytest.mark.parametrize(
    ("email", "password"),
    [("habitant@example.org", "not-the-password"), ("nobody@example.org", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_login_failure_is_explained_by_the_field_and_keeps_the_email(client, resident, email, password):
    response = client.post("/account/login", data={"email": email, "password": password})

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    # The same words whether the account exists or not.
    assert field_error(page, "password") == FR_WRONG_CREDENTIALS
    assert form_value(page, "email") == email
    assert password not in page
    assert not is_logged_in(client)


def test_login_with_empty_fields(client):
    response = client.post("/account/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "email") == FR_REQUIRED
    assert field_error(page, "password") == FR_REQUIRED


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/c/saint-jean-de-cole/", "/c/saint-jean-de-cole/"),
        ("/c/saint-jean-de-cole/manage/?tab=team", "/c/saint-jean-de-cole/manage/?tab=team"),
        ("https://evil.example", "/"),
        ("https://evil.example/c/saint-jean-de-cole/", "/"),
        ("//evil.example/", "/"),
        ("http:/evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("evil.example", "/"),
    ],
)
def test_login_follows_next_only_to_a_local_path(client, resident, next_url, expected):
    response = client.post(
        "/account/login",
        query_string={"next": next_url},
        data={"email": resident.email, "password": PASSWORD},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == expected


@pytest.mark.parametrize(
    "next_url", ["/\\evil.example", "/\\/evil.example", "/\t/evil.example", "\\/evil.example"]
)
def test_login_next_with_backslashes_or_tabs_stays_on_the_site(client, resident, next_url):
    # Browsers read "/\\host" as "//host"; what we send must stay a path on this site.
    response = client.post(
        "/account/login",
        query_string={"next": next_url},
        data={"email": resident.email, "password": PASSWORD},
    )
    location = response.headers["Location"]
    assert location.startswith("/")
    assert not location.startswith("//")
    assert "\\" not in location
    assert "\t" not in location


def test_login_form_carries_next_and_ignores_a_foreign_one(client):
    page = client.get("/account/login", query_string={"next": "/c/saint-jean-de-cole/"}).get_data(
        as_text=True
    )
    assert 'action="/account/login?next=/c/saint-jean-de-cole/"' in page
    page = client.get("/account/login", query_string={"next": "https://evil.example"}).get_data(as_text=True)
    assert '<form action="/account/login?next=/"' in page


def test_logged_in_visitor_of_login_page_goes_on(client, auth, resident):
    auth.login(resident)
    response = client.get("/account/login", query_string={"next": "https://evil.example"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_logout_is_a_post(client, auth, resident):
    auth.login(resident)

    assert client.get("/account/logout").status_code == 405
    assert is_logged_in(client)

    response = client.post("/account/logout", follow_redirects=True)
    assert response.status_code == 200
    assert FR_LOGGED_OUT in flashes(response.get_data(as_text=True))
    assert not is_logged_in(client)


def test_logout_needs_the_csrf_token(make_app, resident):
    # A second app, with CSRF on; each of its requests gets its own app context.
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    token = form_value(client.get("/account/login").get_data(as_text=True), "csrf_token")
    client.post("/account/login", data={"email": resident.email, "password": PASSWORD, "csrf_token": token})
    assert is_logged_in(client)

    # Another site can't log people out behind their back.
    assert client.post("/account/logout").status_code == 400
    assert is_logged_in(client)
    # Nor with the form token of pages shown to visitors without a session (the login page's).
    assert client.post("/account/logout", data={"csrf_token": token}).status_code == 400
    assert is_logged_in(client)
    own = form_value(client.get("/").get_data(as_text=True), "csrf_token")  # the logout button's
    assert own != token
    assert client.post("/account/logout", data={"csrf_token": own}).status_code == 303
    assert not is_logged_in(client)


# --- forgotten password -------------------------------------------------------------------


def test_reset_request_says_the_same_whether_or_not_the_account_exists(
    frozen_clock, client, outbox, resident
):
    known = client.post("/account/reset", data={"email": resident.email}, follow_redirects=True)
    unknown = client.post("/account/reset", data={"email": "personne@example.org"}, follow_redirects=True)

    assert [r.status_code for r in known.history] == [r.status_code for r in unknown.history] == [303]
    assert known.request.path == unknown.request.path == "/account/login"
    assert flashes(known.get_data(as_text=True)) == [FR_RESET_SENT]
    # Not a word, not a byte of difference.
    assert known.get_data() == unknown.get_data()
    # Mail only goes to the existing account.
    assert [m["To"] for m in outbox] == [resident.email]


def test_reset_request_with_a_bad_email_is_explained(client, outbox):
    response = client.post("/account/reset", data={"email": "pas-une-adresse"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_error(page, "email") == FR_INVALID_EMAIL
    assert form_value(page, "email") == "pas-une-adresse"
    assert outbox == []


def test_reset_mail_contains_a_link_to_the_form(client, outbox, resident):
    client.post("/account/reset", data={"email": "Habitant@Example.org"})

    assert len(outbox) == 1
    message = outbox[0]
    assert message["To"] == resident.email
    assert "Jeanne Habitante" in message.get_content()
    link = reset_link(message)
    response = client.get(link)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="password"' in page
    assert 'name="confirm"' in page
    assert f'action="{link}"' in page


def test_reset_sets_a_new_password(client, auth, outbox, resident):
    link = ask_reset(client, outbox, resident.email)

    response = client.post(
        link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True
    )

    assert response.status_code == 200
    assert FR_PASSWORD_CHANGED in flashes(response.get_data(as_text=True))
    assert is_logged_in(client)
    auth.logout()
    assert auth.login(resident, PASSWORD).status_code == 422
    assert not is_logged_in(client)
    assert auth.login(resident, NEW_PASSWORD).status_code == 303
    assert is_logged_in(client)


def test_reset_form_bad_input_keeps_the_old_password(client, auth, outbox, resident):
    link = ask_reset(client, outbox, resident.email)

    short = client.post(link, data={"password": "court", "confirm": "court"})
    assert short.status_code == 422
    assert field_error(short.get_data(as_text=True), "password") == FR_PASSWORD_LENGTH
    differ = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert differ.status_code == 422
    assert field_error(differ.get_data(as_text=True), "confirm") == FR_PASSWORDS_DIFFER

    assert not is_logged_in(client)
    assert auth.login(resident, PASSWORD).status_code == 303
    # The link still works after a mistake.
    auth.logout()
    assert client.get(link).status_code == 200


def test_reset_link_works_once(client, outbox, resident):
    link = ask_reset(client, outbox, resident.email)
    client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    client.post("/account/logout")

    for method in (client.get, client.post):
        response = method(link, data={"password": "encore-un-autre", "confirm": "encore-un-autre"})
        assert response.status_code == 303
        assert response.headers["Location"] == "/account/reset"
    page = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert FR_RESET_LINK_DEAD in flashes(page)
    assert not is_logged_in(client)
    assert resident.check_password(NEW_PASSWORD)


def test_an_older_reset_link_dies_with_a_newer_one_used(client, outbox, resident):
    first = ask_reset(client, outbox, resident.email)
    second = ask_reset(client, outbox, resident.email)
    client.post(second, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    client.post("/account/logout")

    assert client.get(first).headers["Location"] == "/account/reset"


def tamper(link: str) -> str:
    """Change the first character of the token's signature (the last one may carry unused bits)."""
    head, signature = link.rsplit(".", 1)
    return f"{head}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


@pytest.mark.parametrize(
    "make_link",
    [
        tamper,
        lambda link: link.rsplit("/", 1)[0] + "/not-a-token",
        # A token for one account, its payload pointed at another: the signature no longer matches.
        lambda link: link.replace(link.rsplit("/", 1)[1].split(".")[0], "eyJpZCI6MSwicHciOiIwIn0"),
    ],
    ids=["signature-changed", "garbage", "payload-changed"],
)
def test_a_tampered_reset_link_is_refused(client, outbox, resident, make_link):
    link = make_link(ask_reset(client, outbox, resident.email))

    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 303
    assert response.headers["Location"] == "/account/reset"
    assert FR_RESET_LINK_DEAD in flashes(client.get("/account/reset").get_data(as_text=True))
    assert not is_logged_in(client)
    assert resident.check_password(PASSWORD)


def test_an_expired_reset_link_is_refused(make_app, resident):
    app = make_app(PASSWORD_RESET_SECONDS=-1)
    client = app.test_client()
    client.post("/account/reset", data={"email": resident.email})
    response = client.get(reset_link(app.extensions["mail_outbox"][-1]))
    assert response.status_code == 303
    assert response.headers["Location"] == "/account/reset"
