"""Chat endpoints (kind ``slack`` or ``teams``): an incoming-webhook URL that gets a message for
what staff should see at once, a detractor's answer or an overdue rescue task, instead of
every event. The message is made from the event when it is sent (``body_for``), so the log
shows exactly what the channel received; chat services ignore the signature headers.
"""

import json
from typing import Any

CHAT_KINDS = ("slack", "teams")
COMMENT_CHARS = 500


def wants_message(kind: str, event_type: str, data: dict[str, Any]) -> bool:
    """Whether a chat endpoint gets a message for this event: a processed answer in its
    survey's negative category, or a rescue task escalated as overdue."""
    if kind not in CHAT_KINDS:
        return True
    if event_type == "response.processed":
        return bool(data.get("negative"))
    if event_type == "rescue_task.updated":
        return data.get("action") == "escalated"
    return False


def text_of(event_type: str, data: dict[str, Any], base_url: str) -> tuple[str, str]:
    """(title, text) of the message, plain and short."""
    who = data.get("customer") or "an anonymous respondent"
    if event_type == "response.processed":
        title = f"Unhappy answer: {data.get('score')} from {who}"
        comment = (data.get("comment") or "").strip()
        lines = [f"“{comment[:COMMENT_CHARS]}”" if comment else "(no comment)"]
        if data.get("rescue_task_id"):
            lines.append(f"Rescue task: {base_url}/rescue/{data['rescue_task_id']}")
        return title, "\n".join(lines)
    title = f"Rescue task #{data.get('id')} is overdue"
    assignee = data.get("assignee") or "nobody"
    text = (f"{data.get('priority', 'normal').capitalize()} priority, customer {who}, assigned "
            f"to {assignee}.\n{base_url}/rescue/{data.get('id')}")  # fmt: skip
    return title, text


def body_for(kind: str, event_body: str, base_url: str) -> str:
    """What an endpoint of ``kind`` is sent for the event: the event itself for ``standard``,
    a Slack or Teams message for the chat kinds."""
    if kind not in CHAT_KINDS:
        return event_body
    event = json.loads(event_body)
    title, text = text_of(event["type"], event["data"], base_url)
    if kind == "slack":
        message = {"text": f"*{title}*\n{text}"}
    else:  # an Office 365 connector card, which Teams' incoming webhooks take
        message = {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": title,
            "title": title,
            "text": text.replace("\n", "\n\n"),
        }
    return json.dumps(message, ensure_ascii=False)
