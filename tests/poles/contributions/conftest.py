import re

import pytest

from poles.contributions.fields import pole_values
from poles.contributions.forms import sign_snapshot


@pytest.fixture
def contributor() -> dict:
    return {
        "contributor_name": "Camille Martin",
        "contributor_email": "camille@example.org",
        "contributor_relation": "reseau",
    }


def form_data(client, url: str) -> dict:
    """What a browser sends back unchanged: the form as the page renders it."""
    html = client.get(url).content.decode()
    data: dict[str, list[str] | str] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        data[name] = value
    return data


def correction(pole, **changes) -> dict:
    """The form of a correction as the page fills it in, with `changes` made by the visitor."""
    values = pole_values(pole)
    data = {name: value for name, value in values.items()}
    for name in ("members", "sources"):
        data[name] = "\n".join(values[name])
    for name in ("year_created", "charter_year"):
        data[name] = "" if values[name] is None else str(values[name])
    data.update(changes)
    data["snapshot_token"] = sign_snapshot(values)
    return {k: v for k, v in data.items() if v is not None}
