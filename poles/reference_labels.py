"""The reference labels of our migrations (approaches, principles, themes, State calls), listed
for makemessages: the database holds them in French, the catalogues hold their translations.
tests/poles/test_reference_labels.py checks that every label in the database is here."""

from django.utils.translation import gettext, gettext_noop

# The sentences are kept whole: they are msgids.
REFERENCE_TEXTS = (
    gettext_noop("filière"),
    gettext_noop(
        "Les membres coopèrent autour d'une même filière, de la production à la valorisation (alimentation, réemploi, bâtiment, culture...)."
    ),
    gettext_noop("sectorielle"),
    gettext_noop("Les membres partagent un même secteur d'activité et y mutualisent des moyens."),
    gettext_noop("multi-activités"),
    gettext_noop(
        "Le pôle rassemble des activités variées qui mutualisent moyens et compétences au service d'un territoire."
    ),
    gettext_noop("entrepreneuriale"),
    gettext_noop(
        "Le pôle est né de l'initiative d'une ou plusieurs entreprises, souvent de l'ESS, qui ont choisi de coopérer sur leur territoire."
    ),
    gettext_noop("citoyenne"),
    gettext_noop(
        "Le pôle est né d'un collectif d'habitants ou d'associations qui se sont organisés pour répondre à un besoin local."
    ),
    gettext_noop("portée par une collectivité"),
    gettext_noop(
        "Une collectivité territoriale (commune, intercommunalité, département, région) a impulsé ou porté la démarche."
    ),
    gettext_noop("lieu commun"),
    gettext_noop(
        "Les membres partagent des locaux : un lieu où ils travaillent côte à côte et se rencontrent."
    ),
    gettext_noop("développement économique local durable"),
    gettext_noop(
        "Créer des activités et des emplois ancrés dans le territoire, utiles à ses habitants et respectueux de l'environnement."
    ),
    gettext_noop("territoire"),
    gettext_noop(
        "Partir des besoins et des ressources d'un territoire précis et y associer ses acteurs."
    ),
    gettext_noop("changement d'échelle"),
    gettext_noop(
        "Faire grandir les initiatives qui marchent : essaimer, se regrouper, élargir leur impact."
    ),
    gettext_noop("coopération économique"),
    gettext_noop(
        "Mettre en commun des moyens, des projets et des risques entre structures de l'ESS, entreprises, collectivités, recherche et formation."
    ),
    gettext_noop("alimentation et agriculture"),
    gettext_noop("bâtiment et énergie"),
    gettext_noop("culture et industries créatives"),
    gettext_noop("emploi et insertion"),
    gettext_noop("industrie et filières locales"),
    gettext_noop("mobilité"),
    gettext_noop("numérique"),
    gettext_noop("services aux entreprises"),
    gettext_noop("services aux personnes"),
    gettext_noop("tiers-lieux"),
    gettext_noop("tourisme"),
    gettext_noop("économie circulaire et réemploi"),
    gettext_noop("Appel à projets PTCE 2013 (lauréats annoncés le 10 janvier 2014)"),
    gettext_noop("Appel à projets PTCE 2015 (lauréats annoncés le 14 janvier 2016)"),
    gettext_noop("AMI « PTCE émergents » 2021, phase 1 (accompagnement)"),
    gettext_noop("AMI « PTCE émergents » 2021, phase 2 (soutien financier)"),
    gettext_noop("AMI « PTCE émergents » 2022, phase 2 « saison 3 »"),
    gettext_noop("AMI « PTCE émergents » 2023"),
    gettext_noop("AMI « PTCE émergents » 2024"),
)


def reference_choices(queryset) -> list[tuple[str, str]]:
    """(code, label in the active language) of reference rows: the filters' and forms' choices."""
    return [(code, reference_text(label)) for code, label in queryset.values_list("code", "label")]


def reference_text(text: str) -> str:
    """A reference label or description in the active language (as written when untranslated)."""
    return gettext(text) if text else ""
