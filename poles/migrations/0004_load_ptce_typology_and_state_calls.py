"""Reference data of the PTCE typology: approaches, principles, themes and the State's calls.

Wording is ours, after the Labo de l'ESS typology and the law of 31 July 2014 (article 9).
"""

from django.db import migrations

APPROACHES = [
    # (axis, code, label, description)
    ("impulsion", "entrepreneuriale", "entrepreneuriale",
     "Le pôle est né de l'initiative d'une ou plusieurs entreprises, souvent de l'ESS, "
     "qui ont choisi de coopérer sur leur territoire."),
    ("impulsion", "citoyenne", "citoyenne",
     "Le pôle est né d'un collectif d'habitants ou d'associations qui se sont organisés "
     "pour répondre à un besoin local."),
    ("impulsion", "collectivite", "portée par une collectivité",
     "Une collectivité territoriale (commune, intercommunalité, département, région) "
     "a impulsé ou porté la démarche."),
    ("dynamique", "filiere", "filière",
     "Les membres coopèrent autour d'une même filière, de la production à la valorisation "
     "(alimentation, réemploi, bâtiment, culture...)."),
    ("dynamique", "sectorielle", "sectorielle",
     "Les membres partagent un même secteur d'activité et y mutualisent des moyens."),
    ("dynamique", "multi-activites", "multi-activités",
     "Le pôle rassemble des activités variées qui mutualisent moyens et compétences au service "
     "d'un territoire."),
    ("lieu", "lieu-commun", "lieu commun",
     "Les membres partagent des locaux : un lieu où ils travaillent côte à côte et se rencontrent."),
]

PRINCIPLES = [
    ("developpement-local-durable", "développement économique local durable",
     "Créer des activités et des emplois ancrés dans le territoire, utiles à ses habitants "
     "et respectueux de l'environnement."),
    ("territoire", "territoire",
     "Partir des besoins et des ressources d'un territoire précis et y associer ses acteurs."),
    ("changement-echelle", "changement d'échelle",
     "Faire grandir les initiatives qui marchent : essaimer, se regrouper, élargir leur impact."),
    ("cooperation-economique", "coopération économique",
     "Mettre en commun des moyens, des projets et des risques entre structures de l'ESS, "
     "entreprises, collectivités, recherche et formation."),
]

THEMES = [
    ("alimentation", "alimentation et agriculture"),
    ("economie-circulaire", "économie circulaire et réemploi"),
    ("culture", "culture et industries créatives"),
    ("emploi-insertion", "emploi et insertion"),
    ("batiment-energie", "bâtiment et énergie"),
    ("mobilite", "mobilité"),
    ("numerique", "numérique"),
    ("services-aux-personnes", "services aux personnes"),
    ("tourisme", "tourisme"),
    ("tiers-lieu", "tiers-lieux"),
    ("industrie-filieres-locales", "industrie et filières locales"),
    ("services-aux-entreprises", "services aux entreprises"),
]

STATE_CALLS = [
    # (code, programme, year, phase, label)
    ("aap-2013", "aap", 2013, "", "Appel à projets PTCE 2013 (lauréats annoncés le 10 janvier 2014)"),
    ("aap-2015", "aap", 2015, "", "Appel à projets PTCE 2015 (lauréats annoncés le 14 janvier 2016)"),
    ("ami-2021-phase-1", "ami", 2021, "phase 1 (accompagnement)",
     "AMI « PTCE émergents » 2021, phase 1 (accompagnement)"),
    ("ami-2021", "ami", 2021, "phase 2 (soutien financier)",
     "AMI « PTCE émergents » 2021, phase 2 (soutien financier)"),
    ("ami-2023", "ami", 2023, "", "AMI « PTCE émergents » 2023"),
    ("ami-2024", "ami", 2024, "", "AMI « PTCE émergents » 2024"),
]


def load(apps, schema_editor):
    Approach = apps.get_model("poles", "Approach")
    Principle = apps.get_model("poles", "Principle")
    Theme = apps.get_model("poles", "Theme")
    StateCall = apps.get_model("poles", "StateCall")
    for position, (axis, code, label, description) in enumerate(APPROACHES):
        Approach.objects.create(
            axis=axis, code=code, label=label, description=description, position=position
        )
    for position, (code, label, description) in enumerate(PRINCIPLES):
        Principle.objects.create(code=code, label=label, description=description, position=position)
    for code, label in THEMES:
        Theme.objects.create(code=code, label=label)
    for code, programme, year, phase, label in STATE_CALLS:
        StateCall.objects.create(code=code, programme=programme, year=year, phase=phase, label=label)


def unload(apps, schema_editor):
    # Going back would silently cut poles from their references: refuse while poles exist.
    if apps.get_model("poles", "Pole").objects.exists():
        raise RuntimeError(
            "Des pôles utilisent ces données de référence : exportez-les puis supprimez-les "
            "avant de revenir sur cette migration."
        )
    for model in ("Approach", "Principle", "StateCall"):
        apps.get_model("poles", model).objects.all().delete()
    # Themes added later by editors are theirs: only the seeded ones go.
    apps.get_model("poles", "Theme").objects.filter(code__in=[c for c, _ in THEMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("poles", "0003_load_regions_and_departments")]

    operations = [migrations.RunPython(load, unload)]
