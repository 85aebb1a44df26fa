"""The embedded widget's domain: who may embed a survey, who is answering, when to ask, and the
answer itself (``channel = "embed"``), under the same lifecycle rules as email."""
