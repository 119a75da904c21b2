from pathlib import Path

import pytest
from django.conf import settings

PROJECT_TEMPLATES = Path(settings.BASE_DIR) / "templates"


class InvalidTemplateVariable(str):
    """Makes our own templates fail on an undefined variable (Django's admin ones are lenient)."""

    def __mod__(self, name):
        import inspect

        for frame_info in inspect.stack():
            context = frame_info.frame.f_locals.get("context")
            template = getattr(context, "template", None)
            origin = getattr(getattr(template, "origin", None), "name", "") or ""
            if origin:
                if origin.startswith(str(PROJECT_TEMPLATES)) and "/admin/" not in origin:
                    raise AssertionError(f"undefined template variable {name!r} in {origin}")
                break
        return ""


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    settings.TEMPLATES[0]["OPTIONS"]["string_if_invalid"] = InvalidTemplateVariable("%s")


@pytest.fixture
def real_csv() -> Path:
    return Path(settings.BASE_DIR) / "fixtures" / "ptce_poles.csv"
