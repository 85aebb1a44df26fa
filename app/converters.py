"""URL converters of the app's own.

``customer_id``: an integrator's external id in a path, slashes allowed like ``path``, but never
ending in ``/export``, so ``/customers/<id>/export`` always means the export and no id can be
misread from it (a PUT or DELETE there is 405, not an upsert or erasure of "<id>/export").
"""

from werkzeug.routing import PathConverter


class CustomerIdConverter(PathConverter):
    regex = r"[^/].*?(?<!/export)"
