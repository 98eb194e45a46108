"""What an anonymous visitor sees is cached, answered before the framework runs, and never stale.

`PageCache` wraps the WSGI app. For a GET or HEAD from a visitor who is not logged in (no
remember cookie, a session holding nothing but language, text size and CSRF token), it looks
the page up by everything that changes it: host, path, query, the htmx headers the views read,
language, text size, and version numbers. A café's pages (/c/<slug>/…) carry that café's
version; other pages (the directory…) the directory's; all of them the network's.

Versions are bumped at the root, not per route: a SQLAlchemy `after_flush` hook notes which
cafés the flushed rows belong to (every café-owned model has `cafe_id`), and once the
transaction is committed the versions are incremented (in Redis when REDIS_URL is set, else in
the database's `cache_version` table), so the next request on every host misses and sees the
change. Bulk UPDATE/DELETE statements count for the request's café (or the whole network).
Without Redis, each process keeps the versions in memory (`ProcessVersions`): a hit asks
nothing of the database, a `stat()` of a stamp file tells it another process changed something.

Stored are only 200 answers for anonymous visitors, HTML, Atom or iCalendar, without
Set-Cookie nor `Cache-Control: no-store/private`. A page with a form carries the visitor's own
CSRF token: it is stored with a placeholder, and each visitor gets their own token put back
(a visitor without a session gets the site's anonymous form token, portal/anonymous_forms.py,
and no cookie). ETags make repeat visits a 304; bodies are stored gzipped too. Any cache error
is logged and treated as a miss.
"""

import hashlib
import logging
import os
import re
import struct
import threading
import time
import zlib

from flask import Flask, g, has_request_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.http import parse_cookie

from .anonymous_forms import anonymous_pattern, anonymous_token
from .extensions import db
from .models import CacheVersion

log = logging.getLogger("portal.cache")

CACHEABLE_TYPES = ("text/html", "application/atom+xml", "text/calendar")
COMPRESSIBLE_TYPES = (
    "text/",
    "application/javascript",
    "application/json",
    "application/atom+xml",
    "image/svg",
)
# Flask-Login marks any non-empty anonymous session "_fresh": False.
NEUTRAL_SESSION_KEYS = {"csrf_token", "lang", "large_text", "_permanent", "_fresh"}
HTMX_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_BOOSTED", "HTTP_HX_HISTORY_RESTORE_REQUEST", "HTTP_HX_TARGET")
TOKEN_PLACEHOLDER = b"\x00csrf-token\x00"
IGNORED_TABLES = {"outbox_message", "job_lease", "audit_entry", "cache_version", "rate_limit_counter"}
DIRECTORY_TABLES = {"cafe", "cafe_service"}
READY_ENTRIES = 256  # answers kept ready in each process (a few MB)


# --- version stores --------------------------------------------------------------------------------


class DatabaseVersions:
    """Versions in the database: shared by every process and host without anything else."""

    def __init__(self, app: Flask):
        self.app = app
        self._engine = None

    @property
    def engine(self):
        if self._engine is None:
            with self.app.app_context():
                self._engine = db.engine
        return self._engine

    def get(self, names: list[str]) -> list[int]:
        with self.engine.connect() as connection:
            query = select(CacheVersion.name, CacheVersion.version).where(CacheVersion.name.in_(names))
            rows = {name: version for name, version in connection.execute(query)}
        return [rows.get(name, 0) for name in names]

    def bump(self, names: set[str]) -> None:
        with Session(self.engine) as session:
            if session.get_bind().dialect.name == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert
            for name in sorted(names):  # one order everywhere: no deadlock between two bumps
                session.execute(
                    insert(CacheVersion)
                    .values(name=name, version=1)
                    .on_conflict_do_update(
                        index_elements=["name"], set_={"version": CacheVersion.version + 1}
                    )
                )
            session.commit()


class ProcessVersions:
    """No Redis: versions in this process's memory, so a cached answer asks nothing of the database.

    - A change made by this process is seen at once (its bump updates the memory).
    - Other processes on this machine (gunicorn's workers, `flask` commands) append a byte to
      a stamp file after each bump: a hit costs one `stat()` of it, and reads the versions
      table again only when it changed.
    - Other hosts sharing the database without Redis: the table is read again at least every
      PAGE_CACHE_SYNC_SECONDS (configure Redis to have every host see changes at once).
    """

    def __init__(self, app: Flask, database: "DatabaseVersions"):
        self.database = database
        self.ttl = float(app.config["PAGE_CACHE_SYNC_SECONDS"])
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        self.stamp = app.config.get("PAGE_CACHE_STAMP") or os.path.join(
            app.instance_path, "page-cache-" + hashlib.sha1(url.encode()).hexdigest()[:12] + ".stamp"
        )
        # "generation" counts reads of the table: a read that overlapped a bump is not trusted.
        self.state = {"versions": None, "seen": None, "synced": 0.0, "generation": 0}
        self.state["lock"] = threading.Lock()

    def _stamp(self):
        try:
            found = os.stat(self.stamp)
        except OSError:
            return None
        return (found.st_size, found.st_mtime_ns, found.st_ino)

    def get(self, names: list[str]) -> list[int]:
        state = self.state
        stamp = self._stamp()
        if (
            state["versions"] is None
            or stamp != state["seen"]
            or time.monotonic() - state["synced"] > self.ttl
        ):
            self.sync(stamp)
        versions = state["versions"]
        return [versions.get(name, 0) for name in names]

    def sync(self, stamp) -> None:
        with self.database.engine.connect() as connection:
            rows = dict(connection.execute(select(CacheVersion.name, CacheVersion.version)).all())
        with self.state["lock"]:
            generation = self.state["generation"] + 1
            self.state.update(versions=rows, seen=stamp, synced=time.monotonic(), generation=generation)

    def bump(self, names: set[str]) -> None:
        self.database.bump(names)  # first: another process that sees the stamp reads it
        state = self.state
        with state["lock"]:
            if state["versions"] is not None:
                versions = dict(state["versions"])
                for name in names:
                    versions[name] = versions.get(name, 0) + 1
                state["versions"] = versions
            generation = state["generation"]
        self._touch(generation)

    def _touch(self, generation: int) -> None:
        import fcntl

        try:
            os.makedirs(os.path.dirname(self.stamp) or ".", exist_ok=True)
            with open(self.stamp, "ab") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)  # appends in turn: "before" and "after" are ours
                before = os.fstat(handle.fileno())
                if before.st_size > 65536:
                    handle.truncate(0)
                handle.write(b".")
                handle.flush()
                after = os.fstat(handle.fileno())
        except OSError:
            # The versions are saved: other processes see them within PAGE_CACHE_SYNC_SECONDS.
            log.warning("Page cache stamp %s not writable", self.stamp, exc_info=True)
            return
        state = self.state
        with state["lock"]:
            # Nobody else wrote since we last read, and no read overlapped our bump: our memory
            # is up to date, no need to read the table again.
            if state["generation"] == generation and state["seen"] == (
                before.st_size,
                before.st_mtime_ns,
                before.st_ino,
            ):
                state["seen"] = (after.st_size, after.st_mtime_ns, after.st_ino)


class RedisVersions:
    """Versions in Redis, beside the pages: one round trip to read them."""

    def __init__(self, app: Flask, client):
        self.client = client

    def get(self, names: list[str]) -> list[int]:
        return [int(v or 0) for v in self.client.mget([f"comptoir:v:{n}" for n in names])]

    def bump(self, names: set[str]) -> None:
        pipe = self.client.pipeline(transaction=False)
        for name in names:
            pipe.incr(f"comptoir:v:{name}")
        pipe.execute()


# --- noting what changed -----------------------------------------------------------------------------


@event.listens_for(Session, "after_flush")
def _note_changes(session, flush_context):
    changed = session.info.setdefault("cache_changed", set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table is None or table in IGNORED_TABLES:
            continue
        if table in DIRECTORY_TABLES:
            changed.add("dir")
        if table == "cafe":
            changed.add(("cafe", obj.id))
        elif getattr(obj, "cafe_id", None) is not None:
            changed.add(("cafe", obj.cafe_id))
        elif has_request_context() and g.get("cafe") is not None:
            changed.add(("cafe", g.cafe.id))
        else:
            changed.add("net")  # a person's name, or no café known: every page


@event.listens_for(Session, "do_orm_execute")
def _note_bulk(state):
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in IGNORED_TABLES:
        return
    changed = state.session.info.setdefault("cache_changed", set())
    if table in DIRECTORY_TABLES:
        changed.add("dir")
    if has_request_context() and g.get("cafe") is not None:
        changed.add(("cafe", g.cafe.id))
    else:
        changed.add("net")


@event.listens_for(Session, "after_commit")
def _bump_after_commit(session):
    changed = session.info.pop("cache_changed", None)
    if changed:
        from flask import current_app, has_app_context

        if has_app_context():
            cache = current_app.extensions.get("page_cache")
            if cache is not None and cache.enabled:
                cache.bump(changed)


@event.listens_for(Session, "after_rollback")
def _forget_changes(session):
    session.info.pop("cache_changed", None)


# --- the middleware ----------------------------------------------------------------------------------


class PageCache:
    def __init__(self, app: Flask):
        from flask_caching import Cache

        self.flask_app = app
        self.wsgi_app = app.wsgi_app
        config = app.config
        self.enabled = config["PAGE_CACHE_ENABLED"]
        self.timeout = config["PAGE_CACHE_SECONDS"]
        self.clock = max(1, config["PAGE_CACHE_CLOCK_SECONDS"])
        redis_url = config.get("REDIS_URL")
        settings = {"CACHE_DEFAULT_TIMEOUT": self.timeout, "CACHE_KEY_PREFIX": "comptoir:p:"}
        if redis_url:
            settings |= {
                "CACHE_TYPE": "RedisCache",
                "CACHE_REDIS_URL": redis_url,
                "CACHE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5},
            }
        else:
            settings |= {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": config["PAGE_CACHE_ENTRIES"]}
        cache = Cache(app, config=settings)
        self.backend = backend = app.extensions["cache"][cache]
        self.database = DatabaseVersions(app)  # also gives the engine for slug look-ups
        if redis_url:
            self.versions = RedisVersions(app, backend._write_client)
        else:
            self.versions = ProcessVersions(app, self.database)
        self.session_cookie = config.get("SESSION_COOKIE_NAME", "session")
        self.remember_cookie = config.get("REMEMBER_COOKIE_NAME", "remember_token")
        self.serializer = app.session_interface.get_signing_serializer(app)
        self.max_age = int(app.permanent_session_lifetime.total_seconds())
        self.default_lang = config["BABEL_DEFAULT_LOCALE"]
        self.csrf_secret = config.get("WTF_CSRF_SECRET_KEY") or config["SECRET_KEY"]
        self._hourly = None  # (hour, serializer) for visitors' form tokens
        self.ready: dict[tuple, dict] = {}  # answers for visitors without a session token
        self.slug_of: dict[int, str] = {}
        self.pending: set = set()  # bumps that failed (cache down): retried before the next look-up
        self.lock = threading.Lock()

    @property
    def engine(self):
        return self.database.engine

    # versions

    def bump(self, changed: set) -> None:
        names = set()
        cafe_ids = [item[1] for item in changed if isinstance(item, tuple)]
        if cafe_ids:
            names |= {f"cafe:{slug}" for slug in self._slugs(cafe_ids)}
        names |= {item for item in changed if isinstance(item, str)}
        self._bump_names(names)

    def _bump_names(self, names: set) -> None:
        with self.lock:
            names = names | self.pending
            self.pending = set()
        if not names:
            return
        try:
            self.versions.bump(names)
        except Exception:
            log.warning(
                "Could not bump page versions %s; pages of these cafés skip the cache meanwhile",
                sorted(names),
                exc_info=True,
            )
            with self.lock:
                self.pending |= names

    def _slugs(self, cafe_ids: list[int]) -> list[str]:
        from .models import Cafe

        missing = [i for i in cafe_ids if i not in self.slug_of]
        if missing:
            with self.engine.connect() as connection:
                for cafe_id, slug in connection.execute(
                    select(Cafe.id, Cafe.slug).where(Cafe.id.in_(missing))
                ):
                    self.slug_of[cafe_id] = slug
        # A renamed café: its old address is a 404 anyway; the new one is looked up again.
        return [self.slug_of[i] for i in cafe_ids if i in self.slug_of]

    # visitors

    def visitor(self, environ) -> dict | None:
        """The anonymous visitor's language, text size and form token; None: do not cache.

        A visitor without a session (or whose session holds no form token) gets the site's
        anonymous form token (portal/anonymous_forms.py) and no cookie: nothing is written
        for them, their page is the same as every such visitor's.
        """
        header = environ.get("HTTP_COOKIE")
        if not header:
            return {"lang": self.default_lang, "large": False, "csrf": None}
        cookies = parse_cookie(header)
        if cookies.get(self.remember_cookie):
            return None
        data = {}
        raw = cookies.get(self.session_cookie)
        if raw:
            try:
                data = self.serializer.loads(raw, max_age=self.max_age)
            except Exception:
                return None  # the app will replace the bad cookie: let it
            if not isinstance(data, dict) or set(data) - NEUTRAL_SESSION_KEYS or data.get("_fresh"):
                return None
        return {
            "lang": data.get("lang") or self.default_lang,
            "large": bool(data.get("large_text")),
            "csrf": data.get("csrf_token"),
        }

    def token_for(self, raw: str | None) -> str:
        """The form token the app would give this visitor: the anonymous one without a session
        token, else Flask-WTF's for their session (its time part fixed per hour, so one
        visitor's page keeps its ETag for a while)."""
        from itsdangerous import URLSafeTimedSerializer

        if not raw:
            return anonymous_token(self.flask_app)
        hour = int(time.time()) // 3600 * 3600
        if self._hourly is None or self._hourly[0] != hour:

            signer = URLSafeTimedSerializer.default_signer

            class Hourly(URLSafeTimedSerializer):
                default_signer = type("HourlySigner", (signer,), {"get_timestamp": lambda self: hour})

            self._hourly = (hour, Hourly(self.csrf_secret, salt="wtf-csrf-token"))
        return self._hourly[1].dumps(raw)

    def token_pattern(self, raw: str | None) -> re.Pattern:
        """Any signed token for this raw one (the app's have the time they were made)."""
        from itsdangerous import URLSafeTimedSerializer

        if not raw:
            return anonymous_pattern(self.flask_app)

        head = URLSafeTimedSerializer(self.csrf_secret, salt="wtf-csrf-token").dumps(raw).split(".")[0]
        return re.compile(re.escape(head.encode()) + rb"\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")

    def key(self, environ, visitor: dict) -> str:
        path = environ.get("PATH_INFO", "")
        names = ["net"]
        if path.startswith("/c/"):
            names.append("cafe:" + path.split("/", 3)[2])
        else:
            names.append("dir")
        with self.lock:
            pending = bool(self.pending & set(names))
        if pending:
            self._bump_names(set())
            raise RuntimeError("page versions not bumped yet")
        versions = self.versions.get(names)
        parts = [
            environ.get("HTTP_HOST", ""),
            path,
            environ.get("QUERY_STRING", ""),
            *(environ.get(h, "") for h in HTMX_HEADERS),
            visitor["lang"],
            "L" if visitor["large"] else "n",
            # Pages also follow the clock ("open now", today's events): a minute at most.
            str(int(time.time() // self.clock)),
            *map(str, versions),
        ]
        return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()

    # WSGI

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        if not self.enabled or environ.get("PATH_INFO", "").startswith("/static/"):
            return self.compressed(environ, start_response)
        visitor = self.visitor(environ)
        if visitor is None:
            return self.compressed(environ, start_response)
        key = None
        try:
            key = self.key(environ, visitor)
            if not visitor["csrf"]:
                ready = self.ready.get((key, self.token_for(None)))
                if ready is not None:  # this process answered it already: the same bytes again
                    return self.answer(ready, environ, start_response)
            entry = self.backend.get(key)
        except Exception:
            log.warning("Page cache unavailable: computing the page", exc_info=True)
            entry = None
        if entry is not None:
            return self.serve(entry, environ, start_response, visitor, key=key)
        return self.compute(environ, start_response, key, visitor)

    def compute(self, environ, start_response, key, visitor):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None  # nothing here writes directly

        iterable = self.wsgi_app(environ, capture)
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        status, headers = captured["status"], captured["headers"]
        if key is not None and self.storable(status, headers, environ):
            entry = self.entry(status, headers, body, visitor)
            try:
                self.backend.set(key, entry, timeout=self.timeout)
            except Exception:
                log.warning("Page cache unavailable: page not stored", exc_info=True)
            # Answer as every later visitor will be answered (same ETag, same compression).
            return self.serve(entry, environ, start_response, visitor, hit=False, key=key)
        return self.send(status, headers, body, environ, start_response)

    def storable(self, status: str, headers: list, environ) -> bool:
        if not status.startswith("200"):
            return False
        for name, value in headers:
            lower = name.lower()
            if lower == "set-cookie":
                return False
            if lower == "cache-control" and ("no-store" in value or "private" in value):
                return False
            if lower == "content-type" and not value.startswith(CACHEABLE_TYPES):
                return False
            if lower == "content-encoding":
                return False
        return environ.get("REQUEST_METHOD") == "GET"

    def entry(self, status: str, headers: list, body: bytes, visitor: dict) -> dict:
        body = self.token_pattern(visitor["csrf"]).sub(TOKEN_PLACEHOLDER, body)
        kept = [
            (n, v) for n, v in headers if n.lower() not in ("content-length", "etag", "cache-control", "vary")
        ]
        segments = body.split(TOKEN_PLACEHOLDER)
        return {
            "status": status,
            "headers": kept,
            "segments": segments,
            # Each piece deflated on its own (byte-aligned, not final): a visitor's token goes
            # between them as a stored block, so a hit is gzipped without compressing anything.
            "deflated": [deflate_piece(segment) for segment in segments] if len(body) > 512 else None,
            "etag": hashlib.sha1(body).hexdigest()[:20],
        }

    def serve(self, entry: dict, environ, start_response, visitor: dict, hit: bool = True, key=None):
        segments = entry["segments"]
        token = b""
        if len(segments) > 1:
            token = self.token_for(visitor["csrf"]).encode()
        etag = '"' + hashlib.sha1(entry["etag"].encode() + token).hexdigest()[:20] + '"'
        body = token.join(segments)
        ready = {
            "status": entry["status"],
            "headers": [
                *entry["headers"],
                ("Cache-Control", "no-cache"),
                ("Vary", "Cookie, HX-Request, Accept-Encoding"),
                ("ETag", etag),
            ],
            "etag": etag,
            "body": body,
            "gzipped": gzip_from_pieces(entry["deflated"], token, body) if entry["deflated"] else None,
        }
        if key is not None and not visitor["csrf"]:
            # Visitors without a session token all get these very bytes: keep them ready.
            if len(self.ready) >= READY_ENTRIES:
                self.ready.clear()
            self.ready[(key, self.token_for(None))] = ready
        return self.answer(ready, environ, start_response, hit)

    def answer(self, ready: dict, environ, start_response, hit: bool = True):
        headers = [*ready["headers"], ("X-Cache", "hit" if hit else "miss")]
        if ready["etag"] in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 Not Modified", [(n, v) for n, v in headers if n.lower() != "content-type"])
            return [b""]
        body = ready["body"]
        if ready["gzipped"] is not None and "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""):
            body = ready["gzipped"]
            headers.append(("Content-Encoding", "gzip"))
        headers.append(("Content-Length", str(len(body))))
        start_response(ready["status"], headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    # compression of what is not cached (static files, personal pages)

    def compressed(self, environ, start_response):
        if "gzip" not in environ.get("HTTP_ACCEPT_ENCODING", ""):
            return self.wsgi_app(environ, start_response)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        iterable = self.wsgi_app(environ, capture)
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        status, headers = captured["status"], captured["headers"]
        return self.send(status, headers, body, environ, start_response)

    def send(self, status, headers, body, environ, start_response):
        names = {n.lower(): v for n, v in headers}
        if (
            status.startswith("200")
            and len(body) > 1024
            and "content-encoding" not in names
            and names.get("content-type", "").startswith(COMPRESSIBLE_TYPES)
            and "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        ):
            body = zlib_gzip(body)
            headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
            headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
            if "vary" in names:
                headers = [(n, v + ", Accept-Encoding" if n.lower() == "vary" else v) for n, v in headers]
            else:
                headers.append(("Vary", "Accept-Encoding"))
        start_response(status, headers)
        return [body]


GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
FINAL_BLOCK = b"\x03\x00"  # an empty, final, fixed-Huffman deflate block


def deflate_piece(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


def stored_block(data: bytes) -> bytes:
    out = []
    for start in range(0, len(data), 65535):
        chunk = data[start : start + 65535]
        out.append(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(out)


def gzip_from_pieces(pieces: list[bytes], token: bytes, body: bytes) -> bytes:
    """A gzip member: the deflated pieces with the token between them, then the trailer."""
    joined = stored_block(token).join(pieces) if token else b"".join(pieces)
    trailer = struct.pack("<II", zlib.crc32(body) & 0xFFFFFFFF, len(body) & 0xFFFFFFFF)
    return GZIP_HEADER + joined + FINAL_BLOCK + trailer


def zlib_gzip(body: bytes) -> bytes:
    compressor = zlib.compressobj(5, zlib.DEFLATED, 31)
    return compressor.compress(body) + compressor.flush()


def init_app(app: Flask) -> None:
    app.config.setdefault("PAGE_CACHE_ENABLED", True)
    app.config.setdefault("PAGE_CACHE_SECONDS", 600)
    app.config.setdefault("PAGE_CACHE_ENTRIES", 2000)
    app.config.setdefault("PAGE_CACHE_CLOCK_SECONDS", 60)
    app.config.setdefault("PAGE_CACHE_SYNC_SECONDS", 2)
    from .edge import EdgeGuard

    edge = app.wsgi_app if isinstance(app.wsgi_app, EdgeGuard) else None
    if edge is not None:
        app.wsgi_app = edge.wsgi_app  # the edge's checks (Host, control characters) come first
    cache = PageCache(app)
    app.extensions["page_cache"] = cache
    if edge is not None:
        edge.wsgi_app = cache
        app.wsgi_app = edge
    else:
        app.wsgi_app = cache
    _init_static_hashes(app)
    _init_conditional_get(app)


def _init_static_hashes(app: Flask) -> None:
    """url_for('static', …) gets ?v=<content hash>; such URLs are cached for a year."""
    import os

    hashes: dict[str, str] = {}

    @app.url_defaults
    def static_version(endpoint, values):
        if endpoint != "static" or "v" in values:
            return
        filename = values.get("filename", "")
        if filename.startswith("vendor/"):
            return  # versioned by name (htmx-2.0.11.min.js): cached for a year as they are
        if filename not in hashes:
            path = os.path.join(app.static_folder, filename)
            try:
                with open(path, "rb") as handle:
                    hashes[filename] = hashlib.sha1(handle.read()).hexdigest()[:12]
            except OSError:
                hashes[filename] = ""
        if hashes[filename]:
            values["v"] = hashes[filename]

    @app.after_request
    def long_cache_for_hashed_static(response):
        from flask import request

        versioned = request.args.get("v") or (request.view_args or {}).get("filename", "").startswith(
            "vendor/"
        )
        if request.endpoint == "static" and versioned and response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def _init_conditional_get(app: Flask) -> None:
    """ETag and 304 for pages and feeds computed by the app (the cache answers its own)."""

    @app.after_request
    def conditional(response):
        from flask import request

        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.direct_passthrough
            and request.endpoint != "static"
            and "no-store" not in (response.headers.get("Cache-Control") or "")
            and (response.mimetype or "").startswith(("text/html", "application/atom+xml", "text/calendar"))
        ):
            response.add_etag()
            response.make_conditional(request)
        return response
