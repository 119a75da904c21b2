"""The public read API (/api/v1/): the directory's data as JSON, with no key.

Django REST framework gives the API its plumbing (JSON errors, pagination, per-address
throttling); drf-spectacular writes its OpenAPI 3 schema from these views, the PoleFilter and
the data schema, so the documentation cannot drift from the code.
"""
