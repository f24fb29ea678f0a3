"""The rules of the application, free of Flask request objects.

Views, CLI commands and (later) the API call these functions with plain arguments. Who acts is one of
them: an ``audit.Actor`` (the user and the client's address; ``audit.SYSTEM`` for a command), which
the services record in the audit trail. ``tests/test_service_imports.py`` keeps Flask out.
"""
