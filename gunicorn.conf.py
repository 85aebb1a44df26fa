"""gunicorn's settings for Kaiku in production: ``gunicorn -c gunicorn.conf.py wsgi:app``.

The request limits are set here on purpose rather than left to chance: gunicorn answers a request
past them itself, before Kaiku runs (414 for the request line, 431 for too many headers, 400 for
one too large; its own short HTML page), and closes the connection, so an over-long request
neither hangs nor reaches the app. Request bodies are Flask's to limit (``config.py``:
MAX_CONTENT_LENGTH and the form limits, a 413 from Kaiku). Flags on the command line override
what is here (``-w 8``, ``-b unix:/run/kaiku.sock``).
"""

bind = "0.0.0.0:8000"
workers = 4

# Bytes in the request line ("GET /path?query HTTP/1.1"). Kaiku's longest legitimate one is an API
# look-up by external id (up to 255 characters; 3,060 bytes percent-encoded if every one is a
# 4-byte character) with the list filters beside it, about 3.2 KB; survey, unsubscribe and
# referral links are under 100 bytes. 4094 (gunicorn's default, its maximum is 8190) fits that
# and refuses anything longer.
limit_request_line = 4094
# Header fields per request: a browser sends about 15, a proxy in front adds a few (X-Forwarded-*),
# an API client fewer. 50 is more than twice that (gunicorn's default is 100).
limit_request_fields = 50
# Bytes in one header field. The largest is Cookie: Kaiku's session and remember-me cookies are
# well under 1 KB, room is left for other cookies of the same site.
limit_request_field_size = 8190
