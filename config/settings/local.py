"""Local development: DEBUG on, MFA optional, email printed to the console."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = env.bool("DEBUG", default=True)
WEBHOOK_ALLOW_LOCAL = env.bool("WEBHOOK_ALLOW_LOCAL", default=DEBUG)

# Static files come straight from the app and npm directories (no collectstatic), with DEBUG on
# or off: `make run` turns DEBUG off so the demo shows the service's own 404 and 500 pages.
WHITENOISE_USE_FINDERS = True
