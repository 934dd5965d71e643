"""Suite-wide setup: caches (grammar table, module registry) go to a fresh directory per test session, so the
tests neither read nor write the user's ~/.cache/cst and every run starts cold the way CI does."""

from __future__ import annotations

import os
import tempfile

os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="cst-test-cache-")
