"""deploy/nginx.conf is the configuration the README tells people to use: nginx itself checks
it (`nginx -t`), then runs it in front of the app, one upstream host down, and we look at what
a browser gets through it (HTTPS redirect, pages, static files cached for a year, gzip)."""

import gzip
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

CONFIG = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)


@pytest.fixture
def nginx_binary():
    if NGINX is None:
        if os.environ.get("CI") or os.environ.get("REQUIRE_NGINX"):
            pytest.fail("nginx is required here (Debian package nginx, installed by .ci/run)")
        pytest.skip("nginx is not installed (apt-get install nginx); CI installs it")
    return NGINX


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"deploy/nginx.conf no longer has {old!r}: update this test with it"
    return text.replace(old, new)


def self_signed(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key


def prepare(directory: Path, upstream: str, down: str, http_port: int, https_port: int) -> Path:
    """The deployed file, with only addresses, ports and certificate paths changed, inside a
    minimal nginx.conf of our own (temp directories under `directory`)."""
    cert, key = self_signed(directory)
    site = CONFIG.read_text()
    site = replace_once(site, "server 10.0.0.11:8000", f"server {upstream}")
    site = replace_once(site, "server 10.0.0.12:8000", f"server {down}")
    site = replace_once(site, "listen 80;", f"listen 127.0.0.1:{http_port};")
    site = replace_once(site, "listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    site = replace_once(site, "/etc/letsencrypt/live/comptoir.example/fullchain.pem", str(cert))
    site = replace_once(site, "/etc/letsencrypt/live/comptoir.example/privkey.pem", str(key))
    (directory / "comptoir.conf").write_text(site)
    temp = "\n".join(
        f"    {kind}_temp_path {directory}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    main = directory / "nginx.conf"
    main.write_text(
        f"{user}pid {directory}/nginx.pid;\nerror_log {directory}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log off;\n{temp}\n    include {directory}/comptoir.conf;\n}}\n"
    )
    return main


def test_the_deployed_config_has_what_the_readme_promises():
    site = CONFIG.read_text()
    assert re.search(r"upstream comptoir \{[^}]*server [^;]+:8000[^}]*server [^;]+:8000", site, re.S)
    assert site.count("proxy_pass http://comptoir;") == 2  # static files and pages
    assert "return 301 https://$host$request_uri;" in site
    assert re.search(r"^\s*gzip on;", site, re.M)
    gzip_types = re.search(r"gzip_types ([^;]+);", site).group(1).split()
    assert {"text/css", "application/javascript", "image/svg+xml"} <= set(gzip_types)
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site  # the app runs with PROXY_FIX_X_FOR=1
    assert "proxy_next_upstream error timeout http_502 http_503;" in site


def test_nginx_accepts_the_deployed_config(nginx_binary, tmp_path):
    main = prepare(tmp_path, f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}", free_port(), free_port())
    checked = subprocess.run(
        [nginx_binary, "-t", "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr and "test is successful" in checked.stderr


def fetch(url: str, headers: dict | None = None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers or {}), timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_through_nginx_with_one_host_down(nginx_binary, tmp_path, server, cafe_a):
    upstream = server.removeprefix("http://")
    http_port, https_port = free_port(), free_port()
    main = prepare(tmp_path, upstream, f"127.0.0.1:{free_port()}", http_port, https_port)
    process = subprocess.Popen(
        [
            nginx_binary,
            "-p",
            str(tmp_path),
            "-c",
            str(main),
            "-e",
            str(tmp_path / "error.log"),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"https://127.0.0.1:{https_port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", https_port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        status, headers, _ = fetch(f"http://127.0.0.1:{http_port}/c/saint-jean-de-cole/")
        assert status == 301 and headers["Location"] == "https://127.0.0.1/c/saint-jean-de-cole/"
        # Host B is down: every request still gets its page from host A.
        for _ in range(4):
            status, headers, body = fetch(f"{base}/c/saint-jean-de-cole/")
            assert status == 200 and "Saint-Jean-de-Côle" in body.decode()
        page = body.decode()
        stylesheet = re.search(r'href="(/static/css/comptoir\.css\?v=[0-9a-f]{12})"', page).group(1)
        status, headers, body = fetch(base + stylesheet, {"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers["Content-Encoding"] == "gzip" and b"{" in gzip.decompress(body)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
