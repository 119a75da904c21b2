from decimal import Decimal

import pytest

from tests.factories import CommuneFactory, EpciFactory, department


@pytest.fixture
def places():
    """A few real communes with their official codes, points and postcodes."""
    cornouaille = EpciFactory(siren="200068120", name="Quimper Bretagne Occidentale")
    leon = EpciFactory(siren="242900645", name="Pays de Landerneau-Daoulas")
    return {
        "quimper": CommuneFactory(code="29232", name="Quimper", department=department("29"),
                                  postcodes="29000", epci=cornouaille, population=62985,
                                  latitude=Decimal("47.996194"), longitude=Decimal("-4.102035")),
        "ergue": CommuneFactory(code="29051", name="Ergué-Gabéric", department=department("29"),
                                postcodes="29500", epci=cornouaille, population=8500,
                                latitude=Decimal("47.995"), longitude=Decimal("-4.022")),
        "landerneau": CommuneFactory(code="29103", name="Landerneau", epci=leon,
                                     department=department("29"), postcodes="29800",
                                     latitude=Decimal("48.4508"), longitude=Decimal("-4.2494")),
        "nantes": CommuneFactory(code="44109", name="Nantes", department=department("44"),
                                 postcodes="44000 44100 44200 44300", population=320732,
                                 latitude=Decimal("47.218630"), longitude=Decimal("-1.553770")),
        "saint_denis_93": CommuneFactory(code="93066", name="Saint-Denis",
                                         department=department("93"), postcodes="93200 93210",
                                         population=113942, latitude=Decimal("48.9356"),
                                         longitude=Decimal("2.3539")),
        "saint_denis_974": CommuneFactory(code="97411", name="Saint-Denis",
                                          department=department("974"), postcodes="97400 97490",
                                          population=153810, latitude=Decimal("-20.8789"),
                                          longitude=Decimal("55.4481")),
        "saint_denis_val": CommuneFactory(code="45274", name="Saint-Denis-en-Val",
                                          department=department("45"), postcodes="45560",
                                          population=7500, latitude=Decimal("47.8756"),
                                          longitude=Decimal("1.9611")),
        "lorient": CommuneFactory(code="56121", name="Lorient", department=department("56"),
                                  postcodes="56100", population=57000,
                                  latitude=Decimal("47.7483"), longitude=Decimal("-3.3700")),
    }  # fmt: skip
