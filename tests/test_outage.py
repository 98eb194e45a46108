"""The database unreachable: a clear 503 "try again" page, never a stack trace."""

import socket

from portal import create_app
from portal.config import TestConfig


def test_an_unreachable_database_gives_a_503_try_again_page():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = {key: getattr(TestConfig, key) for key in dir(TestConfig) if key.isupper()}
    app = create_app(
        {**settings, "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://comptoir@127.0.0.1:{port}/comptoir"}
    )
    client = app.test_client()
    for path in ("/", "/c/saint-jean-de-cole/", "/c/saint-jean-de-cole/events/"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 503, path
        assert "Réessayez dans une minute" in page
        assert "Traceback" not in page and "psycopg" not in page and "OperationalError" not in page
        assert response.headers["Retry-After"] == "30"
