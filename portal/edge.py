"""What comes in from the network, checked once before any view sees it.

- The Host header: only the site's own names (`TRUSTED_HOSTS`) are served. Anything else
  (a forged host, a 300-character or non-IDNA one) gets the app's own 400 page, built
  with the public host, so no link is ever made from what a client claimed to be.
- Control characters: a URL path holding one is a 404 (no café or event is called that);
  in query parameters and form fields, NUL and the other invisible control characters are
  removed (tabs and line breaks are kept in form fields: they belong in a description).
  PostgreSQL refuses NUL in text, and XML and iCalendar feeds refuse controls.
"""

import re
from urllib.parse import urlsplit

from flask import Flask, Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.sansio.utils import host_is_trusted

BAD_HOST_KEY = "comptoir.bad_host"
BAD_PATH_KEY = "comptoir.bad_path"

# C0 controls (except tab, LF, CR), DEL and the C1 controls.
_FORM_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ALL_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_controls(value: str, keep_lines: bool = True) -> str:
    """`value` without NUL and invisible control characters (line breaks kept if asked)."""
    return (_FORM_CONTROLS if keep_lines else _ALL_CONTROLS).sub("", value)


def one_line(value: str | None) -> str:
    """A name or title for a single-line context (a feed, a mail subject): no controls at all."""
    return " ".join(_ALL_CONTROLS.sub(" ", str(value or "")).split())


def xml_safe(document: str) -> str:
    """An XML document without the characters XML 1.0 forbids (controls, lone surrogates).

    Names typed before the edge cleaned forms may still hold them; a feed reader drops
    a whole feed for one such character.
    """
    return _XML_FORBIDDEN.sub("", document)


def public_host(base_url: str) -> str:
    """'comptoir.example:8443' from 'https://comptoir.example:8443/'."""
    return urlsplit(base_url).netloc


def trusted_hosts(config) -> list[str]:
    """The public address's host plus the configured extra names (TRUSTED_HOSTS)."""
    extra = config.get("TRUSTED_HOSTS_EXTRA") or []
    if isinstance(extra, str):
        extra = [part.strip() for part in extra.split(",")]
    names = [urlsplit(config["PUBLIC_BASE_URL"]).hostname or ""] + list(extra)
    return list(dict.fromkeys(name.lower() for name in names if name))


class EdgeGuard:
    """WSGI middleware: a Host we do not serve is replaced by the public one and flagged."""

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app = wsgi_app
        self.app = app
        self._trusted: dict[tuple, bool] = {}  # host checks are the same for every request

    def __call__(self, environ, start_response):
        config = self.app.config
        host = environ.get("HTTP_HOST")
        scheme = environ.get("wsgi.url_scheme", "http")
        if host is None:
            # HTTP/1.0 without a Host (a load balancer's health check): the public host.
            environ["HTTP_HOST"] = public_host(config["PUBLIC_BASE_URL"]) or "localhost"
        else:
            checked = host.lower()
            if scheme == "http":
                checked = checked.removesuffix(":80")
            elif scheme == "https":
                checked = checked.removesuffix(":443")
            memo = (checked, *config["TRUSTED_HOSTS"])
            trusted = self._trusted.get(memo)
            if trusted is None:
                trusted = len(checked) <= 255 and host_is_trusted(checked, config["TRUSTED_HOSTS"])
                if len(self._trusted) < 256:
                    self._trusted[memo] = trusted
            if not trusted:
                environ[BAD_HOST_KEY] = True
                environ["HTTP_HOST"] = public_host(config["PUBLIC_BASE_URL"]) or "localhost"
        # PATH_INFO is the URL's bytes read as Latin-1: decode them before looking.
        path = environ.get("PATH_INFO", "").encode("latin-1", "replace").decode("utf-8", "replace")
        if _ALL_CONTROLS.search(path):
            environ[BAD_PATH_KEY] = True
            environ["PATH_INFO"] = "/"
        return self.wsgi_app(environ, start_response)


class CleanRequest(Request):
    """Query parameters and form fields without NUL or other invisible control characters."""

    @property
    def args(self):  # type: ignore[override]
        cached = self.__dict__.get("_clean_args")
        if cached is None:
            raw = super().args
            cached = ImmutableMultiDict(
                [(strip_controls(k, False), strip_controls(v, False)) for k, v in raw.items(multi=True)]
            )
            self.__dict__["_clean_args"] = cached
        return cached

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form is not None:
            cleaned = MultiDict(
                [(strip_controls(k, False), strip_controls(v)) for k, v in form.items(multi=True)]
            )
            self.__dict__["form"] = ImmutableMultiDict(cleaned)


def init_edge(app: Flask) -> None:
    app.request_class = CleanRequest
    app.wsgi_app = EdgeGuard(app.wsgi_app, app)

    # Registered before every other hook, so nothing runs for a refused request.
    @app.before_request
    def refuse_bad_requests():
        if request.environ.get(BAD_HOST_KEY):
            abort(400)
        if request.environ.get(BAD_PATH_KEY):
            abort(404)
        return None

    app.before_request_funcs.setdefault(None, [])
    hooks = app.before_request_funcs[None]
    hooks.insert(0, hooks.pop())
