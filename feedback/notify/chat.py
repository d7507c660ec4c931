"""Work-chat messages: what happened, in the group's language, with a link to the case, in
the format each robot takes (WeCom, DingTalk, Feishu, Slack).

The body is written when the event is queued (the facts of that moment); the signatures
DingTalk and Feishu check carry a time, so they are added at each send (``prepare``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import quote_plus

from flask_babel import force_locale
from flask_babel import gettext as _

from feedback.complaints.enums import CasePriority, priority_label
from feedback.notify.webhook_models import HookKind


def _case_line(event_type: str, data: dict, touchpoint: str | None) -> str:
    """One sentence on what happened (in the active locale)."""
    case = data.get("case_id")
    facts = {"case": case, "kind": (data.get("survey_kind") or "").upper()}
    facts["score"] = data.get("score")
    if event_type == "case.opened":
        facts["priority"] = priority_label(CasePriority(data["priority"]))
        if data.get("score") is None:
            return _("New case #%(case)s: %(priority)s priority.", **facts)
        facts["touchpoint"] = touchpoint or data.get("touchpoint") or "-"
        return _(
            "New case #%(case)s: %(priority)s priority, %(kind)s score %(score)s (%(touchpoint)s).",
            **facts,
        )
    if event_type == "customer.replied":
        return _("The customer replied on case #%(case)s.", **facts)
    if event_type == "case.reopened":
        return _("Case #%(case)s was reopened.", **facts)
    if event_type == "case.first_response":
        return _("Case #%(case)s got its first response.", **facts)
    if event_type == "case.resolved":
        return _("Case #%(case)s was resolved.", **facts)
    if event_type == "case.breached":
        if data.get("deadline") == "resolution":
            return _("Case #%(case)s missed its resolution deadline.", **facts)
        return _("Case #%(case)s missed its first-response deadline.", **facts)
    if event_type == "customer.erased":
        # a chat group is people, not a system that must follow: no external id
        return _("A customer was erased.")
    if event_type == "response.tagged":
        return _("A comment was tagged: %(kind)s score %(score)s.", **facts)
    return _("New answer: %(kind)s score %(score)s.", **facts)


def message_body(
    kind: HookKind, event_type: str, data: dict, language: str, touchpoint: str | None = None
) -> str:
    """The JSON a robot of this kind takes, saying what happened in ``language``
    (``touchpoint``: the touchpoint type's name in that language)."""
    with force_locale(language):
        line = _case_line(event_type, data, touchpoint)
        link_text = _("Open case #%(case)s", case=data["case_id"]) if data.get("case_id") else ""
    url = data.get("case_url")
    if kind is HookKind.WECOM:
        content = line + (f"\n[{link_text}]({url})" if url else "")
        body = {"msgtype": "markdown", "markdown": {"content": content}}
    elif kind is HookKind.DINGTALK:
        text = line + (f"\n\n[{link_text}]({url})" if url else "")
        body = {"msgtype": "markdown", "markdown": {"title": line, "text": text}}
    elif kind is HookKind.FEISHU:
        body = {"msg_type": "text", "content": {"text": line + (f"\n{url}" if url else "")}}
    else:
        # Slack reads &, < and > as its own markup
        escaped = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        body = {"text": escaped + (f" <{url}|{link_text}>" if url else "")}
    return json.dumps(body, ensure_ascii=False)


def _signature(key: str, message: str) -> str:
    digest = hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def prepare(kind: HookKind, url: str, secret: str | None, body: str) -> tuple[str, str]:
    """The URL and body of one send: DingTalk's signature goes in the URL (milliseconds),
    Feishu's in the body (seconds), each from the time of this send."""
    if kind is HookKind.DINGTALK and secret:
        stamp = str(round(time.time() * 1000))
        sign = quote_plus(_signature(secret, f"{stamp}\n{secret}"))
        separator = "&" if "?" in url else "?"
        return f"{url}{separator}timestamp={stamp}&sign={sign}", body
    if kind is HookKind.FEISHU and secret:
        stamp = str(round(time.time()))
        # Feishu keys the HMAC with "timestamp\nsecret" over an empty message
        sign = _signature(f"{stamp}\n{secret}", "")
        return url, json.dumps({"timestamp": stamp, "sign": sign, **json.loads(body)})
    return url, body


def refusal(kind: HookKind, answer: bytes) -> str | None:
    """The error a chat service put in a 200 answer (WeCom and DingTalk ``errcode``, Feishu
    ``code``), or None when it took the message."""
    if kind in (HookKind.WEBHOOK, HookKind.SLACK):
        return None  # a 2xx is the answer
    try:
        content = json.loads(answer or b"{}")
    except ValueError:
        return None
    if not isinstance(content, dict):
        return None
    field = "code" if kind is HookKind.FEISHU else "errcode"
    code = content.get(field, content.get("StatusCode", 0))
    if code in (0, None):
        return None
    message = content.get("msg") or content.get("errmsg") or ""
    return f"{field} {code}: {message}"[:500]
