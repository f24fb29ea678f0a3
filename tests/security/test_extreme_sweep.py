"""A sweep over the URL map: extreme values in every path parameter, query parameter and form field
the app reads, as every kind of user, and never a 5xx.

GET: every route of the authorization matrix, as a user it answers 200 to, with every query
parameter the views read (found in the source, so a new one is swept too), and with its object ids
replaced by extreme ones. POST: every form the pages show each kind of user (found by reading
them), with a valid CSRF token. Values: dates at and beyond the calendar's ends or malformed, huge
and negative integers, 10,000-character strings, NUL, format and other odd Unicode, and
percent-encodings that are not UTF-8.

First each extreme value goes into every parameter and field of every route and form (so none is
left to chance), then Hypothesis mixes them, with random text, as every kind of user.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.security import world as world_module
from tests.security.test_authorization_matrix import EXPECTED, URLS
from tests.security.world import USERS, OrgObjects

pytestmark = pytest.mark.slow

FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
ROLES = [name for name in USERS if name not in ("colleague", "other_manager", "other_auditor")]

DATES = ["0001-01-01", "9999-12-31", "2026-02-30", "10000-01-01", "-2026-01-01"]
NUMBERS = ["-1", "-2147483649", "2147483648", "9223372036854775808", "9" * 400, "1e309", "١٢٣"]
TEXTS = ["x" * 10_000, "\u202egnp.exe\u200b", "\x00", "\x01\x1b[31m", "🦄" * 100, "a\r\nb", "' OR '1'='1", ""]
RAW = ["%ff", "%C0%AF", "%ED%A0%80", "%", "%zz"]  # as sent, not valid UTF-8 once decoded
EXTREMES = [quote(v, safe="") for v in DATES + NUMBERS + TEXTS] + RAW
# What the first pass puts everywhere: the values that broke something once, or would break a parser.
EVERYWHERE = [
    quote(v, safe="")
    for v in ("0001-01-01", "9999-12-31", "10000-01-01", "9" * 400, "-2147483649", "x" * 10_000, "\u202e\u200b", "")
] + ["%ff", "%ED%A0%80"]

# Already percent-encoded values, ready for a query string or a form body.
encoded_values = st.one_of(
    st.sampled_from(EXTREMES),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30).map(lambda v: quote(v, safe="")),
)
EXTREME_IDS = ["0", "-1", "2147483648", "9" * 30, "%ff", "x" * 300, "1.5"]
IDS_EVERYWHERE = ["0", "2147483648", "9" * 30, "%ff"]


def _query_parameters() -> list[str]:
    """Every query parameter a view reads, as the source spells it."""
    package = Path(__file__).resolve().parents[2] / "training"
    sources = (p.read_text(encoding="utf-8") for p in package.rglob("*.py") if "migrations" not in p.parts)
    names = set(re.findall(r"""args(?:\.get)?[\[(]\s*["']([a-z_]+)["']""", "\n".join(sources)))
    return sorted(names)


PARAMETERS = _query_parameters()


@dataclass
class Form:
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name -> input type ("text", "select", "file", ...)
    token: str = ""


class _Forms(HTMLParser):
    """The POST forms of a page: action, fields and CSRF token."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url, self.forms, self._open = page_url, [], None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._open = Form(a.get("action") or self.page_url)
            self.forms.append(self._open)
        elif self._open is not None and tag in ("input", "select", "textarea", "button") and a.get("name"):
            kind = a.get("type", "text") if tag == "input" else tag
            if a["name"] == "csrf_token":
                self._open.token = a.get("value", "")
            elif kind not in ("submit", "button"):
                self._open.fields[a["name"]] = kind

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


@pytest.fixture
def swept(app, tmp_path, make_org, make_user):
    """The world, a signed-in client per role, and the forms each role is shown."""
    world = world_module.build(app, tmp_path, make_org, make_user)
    clients = world_module.signed_in_clients(app, world, ROLES)
    forms: list[tuple[str, Form]] = []
    seen = set()
    for name in ROLES:
        for template in URLS.values():
            url = template.format(**vars(world.own))
            if re.search(r"\.(pdf|csv|zip|xlsx|png|css)(\?|$)", url):
                continue
            response = clients[name].get(url)
            if response.status_code == 200 and response.mimetype == "text/html":
                parser = _Forms(url)
                parser.feed(response.get_data(as_text=True))
                for form in parser.forms:
                    key = (name, form.action, tuple(sorted(form.fields)))
                    if form.fields and form.action != "/logout" and key not in seen:
                        seen.add(key)
                        forms.append((name, form))
            response.close()
    return world, clients, forms


def _path(template: str, objects: OrgObjects, replaced: dict[str, str] | None = None) -> str:
    values = {k: (replaced or {}).get(k, str(v)) for k, v in vars(objects).items()}
    return template.format(**values).split("?")[0]


def viewer(endpoint: str) -> str | None:
    """A kind of user the route answers 200 (own objects), per the authorization matrix; None if nobody."""
    row = EXPECTED[endpoint]
    statuses = (row[0] if isinstance(row, tuple) else row).split()
    return next((name for name, status in zip(USERS, statuses, strict=True) if status == "200" and name in ROLES), None)


def _get(client, role: str, path: str, query: list[tuple[str, str]]) -> None:
    query_string = "&".join(f"{name}={value}" for name, value in query)
    response = client.get(path, query_string=query_string)
    assert response.status_code < 500, f"{role} GET {path}?{query_string[:300]}: {response.status_code}"
    response.close()


def _decoded(value: str) -> bytes:
    """A percent-encoded value as the bytes it stands for (for a file's content)."""
    return re.sub(rb"%([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), value.encode("ascii", "replace"))


def _post(client, role: str, form: Form, values: dict[str, str]) -> None:
    if "file" in form.fields.values():
        fields: dict[str, object] = {"csrf_token": form.token}
        for name, kind in form.fields.items():
            raw = _decoded(values[name])
            is_file = kind == "file"
            fields[name] = FileStorage(io.BytesIO(raw), "upload.csv") if is_file else raw.decode("utf-8", "replace")
        boundary, body = encode_multipart(fields)
        response = client.post(form.action, data=body, content_type=f"multipart/form-data; boundary={boundary}")
    else:
        body = "&".join([f"csrf_token={quote(form.token)}", *(f"{quote(n)}={v}" for n, v in values.items())])
        response = client.post(form.action, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, f"{role} POST {form.action} {values!r:.300}: {response.status_code}"
    response.close()


def _every_value_everywhere(world, clients, forms) -> None:
    """Each extreme value in every query parameter of every route, every object id, every form field."""
    for endpoint, template in URLS.items():
        role = viewer(endpoint)
        if role is None:
            continue
        path = _path(template, world.own)
        for value in EVERYWHERE:
            _get(clients[role], role, path, [(name, value) for name in PARAMETERS])
        for key in sorted(vars(world.own)):
            if "{" + key + "}" in template:
                for value in IDS_EVERYWHERE:
                    _get(clients[role], role, _path(template, world.own, {key: value}), [])
    for role, form in forms:
        for value in EVERYWHERE:
            _post(clients[role], role, form, dict.fromkeys(form.fields, value))


def test_no_extreme_value_gives_a_server_error(swept):
    world, clients, forms = swept
    assert len(forms) >= 10, "the crawl found too few forms"
    _every_value_everywhere(world, clients, forms)

    @settings(max_examples=100, deadline=None, suppress_health_check=FIXTURES)
    @given(data=st.data())
    def mixed(data) -> None:
        """Random mixes of values, parameters and kinds of user: half GET a route, half POST a form."""
        if data.draw(st.booleans(), label="post"):
            role, form = data.draw(st.sampled_from(forms), label="form")
            _post(clients[role], role, form, {name: data.draw(encoded_values, label=name) for name in form.fields})
            return
        role = data.draw(st.sampled_from(ROLES), label="role")
        endpoint = data.draw(st.sampled_from(sorted(URLS)), label="endpoint")
        objects = data.draw(st.sampled_from([world.own, world.foreign]), label="objects")
        ids = st.dictionaries(st.sampled_from(sorted(vars(objects))), st.sampled_from(EXTREME_IDS), max_size=2)
        path = _path(URLS[endpoint], objects, data.draw(ids, label="ids"))
        query = st.lists(st.tuples(st.sampled_from(PARAMETERS), encoded_values), max_size=6)
        _get(clients[role], role, path, data.draw(query, label="query"))

    mixed()
