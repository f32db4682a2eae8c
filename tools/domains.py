"""Which URLs an episode may reach: the allowed domains, and how a URL is read before it is compared with them.

The browser is the authority on what a URL means (`tools.network_guard` checks every request it actually makes,
redirects included), so this module errs towards refusal: anything it cannot read the way a browser would —
a backslash authority, an IPv4 address in octal, a host with a trailing dot — is simply not an allowed host.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# WHATWG URL parsing drops ASCII tabs and newlines anywhere and C0 controls and spaces at either end; browsers
# also read a backslash as a slash in http(s) URLs. `http://evil.test\@allowed.test/` is evil.test to Chrome.
_INVISIBLE = re.compile(r"[\t\n\r]")
_NETWORK_SCHEMES = {"http": 80, "https": 443, "ws": 80, "wss": 443}
_ALWAYS_ALLOWED = frozenset({"about"})


def browser_url(url: str) -> str:
    """The URL as a browser reads it, as far as the host and scheme go."""
    text = _INVISIBLE.sub("", url).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13"
                                         "\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
    scheme, sep, rest = text.partition(":")
    if sep and scheme.lower() in _NETWORK_SCHEMES:
        return scheme.lower() + ":" + rest.replace("\\", "/")
    return text


@dataclass(frozen=True)
class DomainPolicy:
    """Which hosts the agent may reach.

    An entry `example.com` allows that host and its subdomains on any port; `127.0.0.1:8080` allows exactly that
    host and port; `*` allows everything. `about:` pages are always allowed; a `blob:` URL is allowed when the
    origin that made it is; `data:` documents (which could hold any content under no origin) only with the entry
    `data`; `file:` only with the entry `file` (a model must not read the machine's files by navigating).
    """

    allowed: tuple[str, ...]

    @classmethod
    def for_start_urls(cls, urls: list[str], extra: tuple[str, ...] | list[str] = ()) -> DomainPolicy:
        hosts = [urlsplit(browser_url(u)).hostname or "" for u in urls]
        return cls(tuple(dict.fromkeys([h for h in hosts if h] + list(extra))))

    @classmethod
    def for_origins(cls, urls: list[str]) -> DomainPolicy:
        """Exactly the origins (host and port) of these URLs: the narrowest policy that still lets them load."""
        entries = []
        for url in urls:
            parts = urlsplit(browser_url(url))
            port = _port(parts.scheme, parts.port)
            if parts.hostname and port:
                entries.append(f"{parts.hostname}:{port}")
        return cls(tuple(dict.fromkeys(entries)))

    def allows(self, url: str) -> bool:
        try:
            parts = urlsplit(browser_url(url))
            port = _port(parts.scheme, parts.port)
        except ValueError:  # an unparsable port or host: not a URL this policy can vouch for
            return False
        scheme = parts.scheme.lower()
        if scheme in _ALWAYS_ALLOWED:
            return True
        if scheme == "blob":
            return self.allows(url.split(":", 1)[1])
        if scheme in ("data", "file"):
            return scheme in self.allowed
        if scheme not in _NETWORK_SCHEMES or not parts.hostname:
            return False
        host = parts.hostname.lower()
        for entry in self.allowed:
            entry = entry.lower().strip()
            if entry == "*":
                return True
            if ":" in entry and not entry.startswith("["):
                entry_host, _, entry_port = entry.rpartition(":")
                if host == entry_host and str(port) == entry_port:
                    return True
            elif host == entry or host.endswith("." + entry):
                return True
        return False

    def describe(self) -> str:
        return ", ".join(self.allowed) or "none"

    def refusal(self, url: str) -> str:
        return f"navigation to {url} blocked: it is outside the allowed domains ({self.describe()})"


def _port(scheme: str, port: int | None) -> int | None:
    return port or _NETWORK_SCHEMES.get(scheme.lower())
