"""Entry point: `flask --app app …` and `gunicorn app:app` both find the application here.

A setting that cannot work stops the app with one line on standard error naming it, and exit status 4:
the status at which gunicorn's master stops ("App failed to load") rather than start the worker again
and again. `flask --app app check-config` is built all the same, to show the settings and every problem.
"""

import sys

from training import create_app
from training.config import CHECK_COMMAND_NAME, ConfigurationError

APP_FAILED_TO_LOAD = 4

try:
    app = create_app(keep_bad_settings=CHECK_COMMAND_NAME in sys.argv[1:])
except ConfigurationError as error:
    print(f"configuration error: {error}", file=sys.stderr)
    sys.exit(APP_FAILED_TO_LOAD)
