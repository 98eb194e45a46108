"""The yardstick for `make bench`: a bare Flask hello world under the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
