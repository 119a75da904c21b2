import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.conf import settings

PROJECT_TEMPLATES = Path(settings.BASE_DIR) / "templates"


class InvalidTemplateVariable(str):
    """Makes our own templates fail on an undefined variable, the admin pages we override
    included; Django's and the libraries' templates stay lenient (theirs rely on it)."""

    def __mod__(self, name):
        import inspect

        from django.template.base import Node

        # The innermost template node being rendered knows the file it was written in, even
        # when our template extends Django's (or Django's includes ours).
        for frame_info in inspect.stack():
            node = frame_info.frame.f_locals.get("self")
            if isinstance(node, Node) and getattr(node, "origin", None) is not None:
                origin = node.origin.name or ""
                if origin.startswith(str(PROJECT_TEMPLATES)):
                    raise AssertionError(f"undefined template variable {name!r} in {origin}")
                break
        return ""


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = InvalidTemplateVariable("%s")


# What the migrations load and a flush empties: regions, departments, the typology, the State
# calls, the directory version row and the editors' group (with its permissions).
REFERENCE_MODELS = [
    "poles.region", "poles.department", "poles.approach", "poles.principle", "poles.theme",
    "poles.statecall", "poles.directoryversion", "auth.group",
]  # fmt: skip


@pytest.fixture(scope="session")
def _reference_data_file(django_db_setup, django_db_blocker, tmp_path_factory):
    """The reference data of the freshly migrated test database, as a fixture file."""
    from django.core.management import call_command

    path = tmp_path_factory.mktemp("reference") / "reference.json"
    with django_db_blocker.unblock():
        call_command("dumpdata", *REFERENCE_MODELS, natural_foreign=True, output=str(path),
                     verbosity=0)  # fmt: skip
    return path


@pytest.fixture(autouse=True, scope="session")
def _reference_data_taken_before_any_flush(request):
    # Transactional tests flush the database when they end: take the copy before the first one.
    if any(
        (m := item.get_closest_marker("django_db")) and m.kwargs.get("transaction")
        for item in request.session.items
    ):
        request.getfixturevalue("_reference_data_file")


@pytest.fixture(autouse=True)
def _reference_data_in_transactional_tests(request):
    """Transactional tests (live server, migrations) start from a flushed, empty database.

    Load the reference data the migrations gave the test database, so they see what `migrate`
    gives a real one (replaying those migrations took seconds per test on PostgreSQL;
    serialized_rollback proved unreliable here once the live server had shared the connection).
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")) and "live_server" not in (
        request.fixturenames
    ):
        return
    reference = request.getfixturevalue("_reference_data_file")
    request.getfixturevalue("transactional_db")
    from django.core.management import call_command

    from poles.territories.models import Region

    if not Region.objects.exists():
        call_command("loaddata", str(reference), verbosity=0)


@pytest.fixture(autouse=True)
def _site_address(settings):
    # Pages show the site's address (PTCE_SITE_URL), never the request's Host: in tests, the
    # address the test client asks.
    settings.PTCE_SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def _emails_sent_in_the_test_thread(settings):
    # The outbox delivers after the commit; in the caller's thread here, so that a test reads
    # mail.outbox at once (tests/poles/outbox/ cover the other modes).
    settings.PTCE_EMAIL_DELIVERY = "inline"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Each test rolls its database back: cached bodies of another test must not leak in.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


SAMPLE_CSV = Path(__file__).parent / "data" / "poles_sample.csv"
REAL_CSV = Path(settings.BASE_DIR) / "fixtures" / "ptce_poles.csv"


@pytest.fixture
def sample_csv() -> Path:
    """Five fictional poles in the data schema's format (tests/data/README.md)."""
    return SAMPLE_CSV


@pytest.fixture
def sample_directory(sample_csv):
    from poles.imports import poles_import_csv

    poles_import_csv(path=sample_csv)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`with commit():` stands for a committed transaction around the writes it holds.

    Tests run inside a transaction that never commits, so on-commit callbacks (the directory
    version bump) never run by themselves. Callbacks left by earlier writes of the test would
    never run either: they are dropped, and the writes inside the block run theirs at its end.
    """
    from contextlib import contextmanager

    from django.db import connection

    @contextmanager
    def committing():
        connection.run_on_commit.clear()
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return committing


@pytest.fixture(autouse=True)
def _site_language():
    """A request to /en/ leaves English active in the thread that served it, the tests' own for
    the test client: each test starts in the site's language, whatever ran before."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def redis_server(tmp_path):
    """A throwaway redis-server on a free port, stopped after the test (make test installs it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server introuvable : installez le paquet Debian redis-server.")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        else:
            pytest.fail("redis-server n'a pas démarré")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
