"""HTTP requests from the tests to a real server: httpx.get and httpx.post, with one TLS context for the run.

httpx's top-level functions build a client per call, and with it a TLS context that loads the CA bundle:
about 50 ms a request, even to plain http:// on the loopback, where the request itself takes 4 ms. Each call
here still gets its own client and connection, as with httpx.get/post; only the TLS context is built once."""

from __future__ import annotations

import ssl
from typing import Any

import httpx

_TLS = ssl.create_default_context()


def get(url: str, **options: Any) -> httpx.Response:
    return httpx.get(url, verify=_TLS, **options)


def post(url: str, **options: Any) -> httpx.Response:
    return httpx.post(url, verify=_TLS, **options)
