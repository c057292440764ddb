"""What pages and API endpoints show, computed once: each function returns a JSON-able dict.

An HTML page renders the dict; its JSON twin (``<page>.json``) and the ``/api/v1`` endpoints
return it as is — so the API is tested on exactly what the charts draw. Every function takes
the request's :class:`~pantau.auth.Grant`; none decides access itself.
"""
