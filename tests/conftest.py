import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# `flare-ls --check` keeps SQL facts between runs (flare_ls.sql.cache): the tests, and the flare-ls
# processes they start, keep theirs in a directory of their own rather than the user's cache.
os.environ["FLARE_LS_CACHE_DIR"] = tempfile.mkdtemp(prefix="flare-ls-test-cache-")
