"""How the rescue pages word things: a task's history in sentences, the timeline's kinds."""

from datetime import datetime

from app.formatting import moment
from app.insights.routes import humanize
from app.rescue.forms import OUTCOME_LABELS, STAGE_LABELS, STATUS_LABELS, WINBACK_LABELS
from surveys.models import RescueTaskEvent
from surveys.reports.overview import score_tone

TIMELINE_KINDS = {
    "event": "Event",
    "invitation": "Invitation",
    "response": "Answer",
    "rescue_task": "Rescue task",
    "stage_change": "Stage",
    "reply": "Reply",
}


def history_text(event: RescueTaskEvent) -> str:
    """One line of a task's history in words, from its action and detail."""
    d = event.detail or {}
    status = STATUS_LABELS.get
    match event.action:
        case "created":
            due_at = _moment(d.get("due_at"))
            return f"Opened, {d.get('priority', 'normal')} priority" + (
                f", due {moment(due_at)} UTC" if due_at else ""
            )
        case "assigned":
            text = f"Assigned to {d.get('to')}"
            if d.get("from"):
                text += f" (was {d['from']})"
            if d.get("rule"):
                text += f", automatically: {str(d['rule']).replace('_', ' ')}"
            return text
        case "unassigned":
            return f"Unassigned (was {d.get('from') or 'no one'})"
        case "status" | "reopened":
            verb = "Reopened" if event.action == "reopened" else "Status"
            before, after = d.get("from"), d.get("to")
            text = f"{verb}: {status(before, before)} → {status(after, after)}"
            if d.get("outcome"):
                text += f", outcome {OUTCOME_LABELS.get(d['outcome'], d['outcome'])}"
            return text
        case "note":
            return "Note added"
        case "follow_up":
            return f"Follow-up email sent: “{d.get('subject', '')}”"
        case "resurvey":
            when = _moment(d.get("scheduled_for"))
            if d.get("status") == "scheduled" and when:
                return f"Re-survey scheduled for {moment(when)} UTC"
            return f"Re-survey {d.get('status', '')}: {d.get('reason') or 'no reason given'}"
        case "priority":
            text = f"Priority {d.get('from')} → {d.get('to')}"
            return text + (f" ({d['reason']})" if d.get("reason") else "")
        case "escalated":
            return "Escalated to the admins: overdue"
        case "winback":
            return f"Win-back: {winback_label(d.get('to'))}"
    label = event.action.replace("_", " ").capitalize()
    extra = ", ".join(f"{k}: {v}" for k, v in d.items() if v is not None)
    return f"{label} ({extra})" if extra else label


def winback_label(state: object) -> str:
    """The measured win-back in words, never the agent's outcome's: "Won back (next answer)"."""
    text = str(state or "")
    return WINBACK_LABELS.get(text, text.replace("_", " "))


def _moment(value: object) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def template_helpers(now: datetime) -> dict:
    """What the rescue templates call: ``due(t)``, ``ago(t)``, ``tone(kind, score)``, labels of
    statuses, outcomes and stages, ``history_text(event)``, the timeline's kind names."""

    def due(moment: datetime) -> str:
        seconds = (moment - now).total_seconds()
        return f"in {humanize(seconds)}" if seconds >= 0 else f"{humanize(seconds)} overdue"

    def ago(moment: datetime) -> str:
        return f"{humanize((now - moment).total_seconds())} ago"

    return {
        "now": now,
        "due": due,
        "ago": ago,
        "tone": score_tone,
        "status_label": lambda s: STATUS_LABELS.get(s, (s or "").replace("_", " ")),
        "outcome_label": lambda o: OUTCOME_LABELS.get(o, (o or "").replace("_", " ")),
        "winback_label": winback_label,
        "stage_label": lambda s: STAGE_LABELS.get(s, (s or "").replace("_", " ")),
        "history_text": history_text,
        "timeline_kinds": TIMELINE_KINDS,
    }
