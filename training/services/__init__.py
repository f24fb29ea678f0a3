"""The rules of the application, free of Flask request objects.

Views, CLI commands and (later) the API call these functions with plain arguments.
"""
