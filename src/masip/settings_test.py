"""Fast settings for the test suite; the database still follows DATABASE_URL."""

import os
import tempfile

os.environ.setdefault("MASIP_DEMO", "1")

from masip.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # live_server 404s hashed names; plain storage serves from the finders.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Uploaded documents go to a throwaway folder (tests of masip.documents use their own tmp_path).
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="masip-test-documents-")},
    },
}
MASIP_CLAMD_SOCKET = ""
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_MODE = True
MASIP_AUDIT_ALLOW_FLUSH = True  # throwaway test databases are reset with flush (audit.management.commands.flush)
MASIP_AUDIT_STRICT = True  # a view that shows personal data without logging a consultation fails the test
# Tests close the connection after each test themselves; a kept connection from a live server's
# thread would hold PostgreSQL's test database open at teardown. Production keeps them (settings).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# WhiteNoise looks static files up when they are asked for, instead of listing every file under the
# finders and STATIC_ROOT each time its middleware starts - which the test client does for each
# Client (about 30 ms of CPU each, over a thousand times a run). Files are served the same way.
WHITENOISE_AUTOREFRESH = True
