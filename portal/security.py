"""Security headers on every response, and the production safety checks."""

from urllib.parse import urlsplit

from flask import Flask

from .config import DEFAULT_PUBLIC_BASE_URL, DEFAULT_SECRET_KEY

HTMX_VERSION = "2.0.11"
HTMX_CDN_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
HTMX_SRI = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"
HTMX_LOCAL_FILE = f"vendor/htmx-{HTMX_VERSION}.min.js"


def content_security_policy(htmx_source: str) -> str:
    """Exactly what our pages load: our own files, plus the htmx CDN when used."""
    scripts = "'self'" + (" https://cdn.jsdelivr.net" if htmx_source == "cdn" else "")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "base-uri 'self'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        ]
    )


def check_production_config(app: Flask) -> None:
    """Refuse to serve production with a guessable secret key or no public address."""
    if app.config.get("ENV_NAME") != "production":
        return
    key = app.config.get("SECRET_KEY") or ""
    if key == DEFAULT_SECRET_KEY or len(key) < 24:
        raise RuntimeError(
            "SECRET_KEY is missing or is the development default: set a long random "
            "SECRET_KEY (e.g. python -c 'import secrets; print(secrets.token_hex(32))')."
        )
    base = app.config.get("PUBLIC_BASE_URL") or ""
    parts = urlsplit(base)
    if base == DEFAULT_PUBLIC_BASE_URL or parts.scheme not in ("http", "https") or not parts.hostname:
        raise RuntimeError(
            "PUBLIC_BASE_URL is missing: set the address people reach the site at "
            "(e.g. https://comptoir.example.org). Links in emails and feeds start with it, "
            "and only its host (plus TRUSTED_HOSTS) is served."
        )


def init_security_headers(app: Flask) -> None:
    policy = content_security_policy(app.config["HTMX_SOURCE"])

    @app.after_request
    def set_headers(response):
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        return response
