"""Every page in English and Simplified Chinese."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from feedback.accounts.models import User
from feedback.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "feedback" / "translations" / "zh" / "LC_MESSAGES"


def test_browser_language_picks_chinese(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    text = page.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in text
    assert "登录" in text
    assert "供客服人员、经理和管理员使用。" in text


def test_browser_language_picks_english(client):
    text = client.get("/login", headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert "For service staff, managers and admins." in text


def test_language_switch_for_anonymous_visitor(client):
    response = client.submit("/language/zh", {"next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    text = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "供客服人员、经理和管理员使用。" in text


def test_language_switch_is_kept_in_the_users_profile(app, agent_client):
    agent_client.submit("/language/zh", {"next": "/"})
    assert db.session.get(User, agent_client.user.id).locale == "zh"
    # A new session, on another device with an English browser, still gets Chinese.
    other = app.test_client()
    other.submit("/login", {"email": agent_client.user.email, "password": "correct-horse-battery"})
    text = other.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "您好" in text


def test_unknown_language_is_404(client):
    assert client.submit("/language/fr").status_code == 404


@pytest.mark.parametrize("target", ["//evil.example/", "/\t/evil.example", "https://x.example"])
def test_switch_does_not_redirect_off_site(client, target):
    response = client.submit("/language/en", {"next": target})
    assert response.headers["Location"] == "/"


def test_error_pages_in_both_languages(client):
    english = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert english.status_code == 404
    assert "Page not found" in english.get_data(as_text=True)
    chinese = client.get("/no-such-page", headers={"Accept-Language": "zh"})
    assert chinese.status_code == 404
    assert "找不到页面" in chinese.get_data(as_text=True)


def _source_messages() -> set[str]:
    # the mappings `make translations` extracts with, read here rather than through
    # Babel's private parser, which Babel 2.19 renamed
    with (ROOT / "pyproject.toml").open("rb") as fh:
        mappings = tomllib.load(fh)["tool"]["babel"]["mappings"]
    method_map = [(m["pattern"], m["method"]) for m in mappings]
    options_map = {
        m["pattern"]: {k: v for k, v in m.items() if k not in ("method", "pattern")}
        for m in mappings
    }
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_message_in_the_code_has_a_chinese_translation():
    with (CATALOG / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    translated = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id
        and (m.string[0] if isinstance(m.string, tuple) else m.string)
        and "fuzzy" not in m.flags
    }
    source = _source_messages()
    assert {"Sign in", "Wrong email or password.", "Page not found"} <= source  # extraction works
    missing = sorted(source - translated)
    assert missing == [], "run `make translations` and translate: " + "; ".join(missing)


def test_every_translation_formats_as_its_english_does():
    """Jinja's gettext always applies %, even with no variables: a lone % in a translation
    ("95% 置信度") breaks the page that shows it, so it must be written %%."""
    import re

    with (CATALOG / "messages.po").open("rb") as fh:
        catalog = [m for m in read_po(fh) if m.id and m.string and "fuzzy" not in m.flags]
    broken = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        names = {name for text in ids for name in re.findall(r"%\((\w+)\)", text)}
        values = dict.fromkeys(names, 1) | {"num": 1}
        try:
            ids[0] % values  # noqa: B018
        except (ValueError, KeyError, TypeError):
            continue  # used only where nothing formats it ("CSAT %" in Python code)
        for text in strings:
            try:
                text % values  # noqa: B018 - the formatting is the test
            except (ValueError, KeyError, TypeError) as error:
                broken.append(f"{ids[0]!r}: {error}")
    assert catalog and broken == []


def test_the_scores_page_in_chinese(manager_client, surveys):
    from tests.complaints_helpers import answer

    answer("nps", 9, customer="a")
    answer("csat", 2, "送货太慢了", customer="b", locale="zh")
    manager_client.submit("/language/zh", {"next": "/dashboard"})
    response = manager_client.get("/dashboard")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "误差范围按 95% 置信度计算" in page and "送货太慢了" in page


def _plain(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_compiled_catalog_matches_the_po_file():
    with (CATALOG / "messages.po").open("rb") as fh:
        po = {
            _plain(m.id): _plain(m.string) for m in read_po(fh) if m.id and "fuzzy" not in m.flags
        }
    with (CATALOG / "messages.mo").open("rb") as fh:
        mo = {_plain(m.id): _plain(m.string) for m in read_mo(fh) if m.id}
    assert mo == po, "run `make translations` to recompile messages.mo"
