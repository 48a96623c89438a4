"""A VISAGE_HOME with nothing cached but the model packs, downloads and execution plans (shared with the user's)."""
import contextlib
import os
import tempfile

SHARED = ("models", "downloads", "plans")


def visage_home():
    configured = os.environ.get("VISAGE_HOME")
    if configured:
        return configured
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "visage")


@contextlib.contextmanager
def fresh_home(prefix="visage-fresh-home-"):
    """The environment to run visage in: VISAGE_HOME a temporary folder, removed afterwards."""
    home = visage_home()
    with tempfile.TemporaryDirectory(prefix=prefix) as fresh:
        for shared in SHARED:
            if os.path.isdir(os.path.join(home, shared)):
                os.symlink(os.path.join(home, shared), os.path.join(fresh, shared))
        yield dict(os.environ, VISAGE_HOME=fresh)
