"""The directory's data: territories, the PTCE typology, poles and their members."""

from __future__ import annotations

import datetime

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from poles.search import poles_search
from poles.territories import models as territories
from poles.territories.models import Commune, Department, PlaceKind, Region
from poles.validators import (
    FRANCE_BOXES,
    commune_insee_validator,
    is_web_url,
    validate_point_in_france,
    validate_siren_or_siret,
    validate_siret,
    validate_source_urls,
    validate_web_url,
)

# A record not verified for this long is listed for the editors to check.
VERIFICATION_MONTHS = 12
YEAR_MIN = 1900
YEAR_MAX = 2100
# Sort keys by year with unknown years last, as indexable expressions on every database.
YEAR_ASCENDING = Coalesce("year_created", YEAR_MAX + 1)
YEAR_DESCENDING = Coalesce("year_created", 0)


# --- The PTCE typology -----------------------------------------------------------------------


class ApproachAxis(models.TextChoices):
    IMPULSE = "impulsion", _("par l'impulsion")
    ECONOMIC_DYNAMIC = "dynamique", _("par la dynamique économique")
    COMMON_PLACE = "lieu", _("par l'inscription dans un lieu commun")


class Approach(models.Model):
    """One value of one of the three axes that describe how a PTCE works."""

    axis = models.CharField("axe", max_length=20, choices=ApproachAxis.choices)
    code = models.SlugField("code", max_length=40, unique=True)
    label = models.CharField("libellé", max_length=100)
    description = models.TextField("description", blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "approche"
        ordering = ["axis", "position", "label"]

    def __str__(self) -> str:
        return f"{self.get_axis_display()} : {self.label}"


class Principle(models.Model):
    code = models.SlugField("code", max_length=40, unique=True)
    label = models.CharField("libellé", max_length=100)
    description = models.TextField("description", blank=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "principe"
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class Theme(models.Model):
    """A field of activity. Editors may add themes; the import only accepts known codes."""

    code = models.SlugField("code", max_length=60, unique=True)
    label = models.CharField("libellé", max_length=100, unique=True)
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "thématique"
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class Programme(models.TextChoices):
    AAP = "aap", _("appel à projets PTCE")
    AMI = "ami", _("appel à manifestation d'intérêt « PTCE émergents »")


class StateCall(models.Model):
    """A round of the State's calls for PTCE; a pole that won one holds a recognition."""

    code = models.SlugField("code", max_length=40, unique=True)
    programme = models.CharField("programme", max_length=10, choices=Programme.choices)
    year = models.PositiveSmallIntegerField(
        "année", validators=[MinValueValidator(2010), MaxValueValidator(YEAR_MAX)]
    )
    phase = models.CharField("phase", max_length=60, blank=True)
    label = models.CharField("libellé", max_length=150)
    laureate_count = models.PositiveSmallIntegerField(
        "nombre de lauréats", null=True, blank=True, help_text="Vide : inconnu."
    )

    class Meta:
        verbose_name = "appel de l'État"
        verbose_name_plural = "appels de l'État"
        ordering = ["year", "programme", "phase"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "phase"], name="statecall_unique_round"
            ),
        ]

    def __str__(self) -> str:
        return self.label


# --- Poles -----------------------------------------------------------------------------------


class LocationPrecision(models.TextChoices):
    COMMUNE = "commune", _("commune du pôle (mairie)")
    TERRITORY = "territoire", _("commune principale du territoire")
    DEPARTMENT_SEAT = "departement", _("chef-lieu du département (lieu approximatif)")
    NONE = "aucune", _("non localisé")


class Stage(models.TextChoices):
    EMERGING = "emergent", _("émergent")
    DEVELOPING = "developpement", _("en développement")
    CONSOLIDATED = "consolide", _("consolidé")
    STOPPED = "arrete", _("arrêté")


class CharterStatus(models.TextChoices):
    YES = "oui", _("signataire")
    NO = "non", _("non signataire")
    UNKNOWN = "inconnu", _("inconnu")


class Answer(models.TextChoices):
    """A yes / no / unknown fact as the filters, the exports and the data schema spell it."""

    YES = "oui", _("oui")
    NO = "non", _("non")
    UNKNOWN = "inconnu", _("inconnu")


# `has_common_place` (a nullable boolean) and its public spelling.
COMMON_PLACE_ANSWERS: dict[bool | None, Answer] = {
    True: Answer.YES,
    False: Answer.NO,
    None: Answer.UNKNOWN,
}
# A pole whose stage is blank: the filters and exports call it "inconnu".
STAGE_UNKNOWN = Answer.UNKNOWN


def verification_threshold() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=round(VERIFICATION_MONTHS * 30.44))


class PoleQuerySet(models.QuerySet):
    def published(self) -> PoleQuerySet:
        return self.filter(is_published=True)

    def to_verify(self) -> PoleQuerySet:
        """Never verified, or not in the last VERIFICATION_MONTHS months."""
        return self.filter(
            Q(last_verified__isnull=True) | Q(last_verified__lt=verification_threshold())
        )

    def verified_recently(self) -> PoleQuerySet:
        """Checked within the last VERIFICATION_MONTHS months."""
        return self.filter(last_verified__gte=verification_threshold())

    def located(self) -> PoleQuerySet:
        return self.filter(latitude__isnull=False)

    def unlocated(self) -> PoleQuerySet:
        return self.filter(latitude__isnull=True)

    def location_summary(self) -> dict:
        """How many poles, how many have no place, and the bounds of the others, overall and in
        metropolitan France (`mainland_*`): one query."""
        south, west, north, east = FRANCE_BOXES["France métropolitaine"]
        mainland = Q(latitude__range=(south, north), longitude__range=(west, east))
        return self.aggregate(
            total=models.Count("pk"),
            unlocated=models.Count("pk", filter=Q(latitude__isnull=True)),
            south=models.Min("latitude"),
            west=models.Min("longitude"),
            north=models.Max("latitude"),
            east=models.Max("longitude"),
            mainland_south=models.Min("latitude", filter=mainland),
            mainland_west=models.Min("longitude", filter=mainland),
            mainland_north=models.Max("latitude", filter=mainland),
            mainland_east=models.Max("longitude", filter=mainland),
        )

    def in_territory(self, kind: PlaceKind, *codes: str) -> PoleQuerySet:
        """Located in any of these territories of one kind ("region", "53")."""
        return self.filter(territories.located_in(kind, codes))

    def acting_on(self, kind: PlaceKind, *codes: str) -> PoleQuerySet:
        """Declaring a territory of action that covers any of these territories."""
        return self.filter(territories.acting_on(kind, codes))

    def search(self, text: str) -> PoleQuerySet:
        """The poles whose names, themes, sector, places, summary or members hold every word
        (accents, case and French word endings ignored), the most relevant first."""
        return poles_search(self, text)


class Pole(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant d'URL"), max_length=200, unique=True)
    short_name = models.CharField(_("nom court ou sigle"), max_length=100, blank=True)
    carrier_name = models.CharField(_("structure porteuse"), max_length=200, blank=True)
    carrier_siren = models.CharField(
        _("SIREN ou SIRET de la structure porteuse"),
        max_length=17,
        blank=True,
        validators=[validate_siren_or_siret],
    )
    summary = models.TextField(
        _("résumé"), blank=True, help_text=_("Deux ou trois phrases présentant le pôle.")
    )
    description = models.TextField(_("description"), blank=True)
    sector = models.TextField(
        _("activité selon les sources"),
        blank=True,
        help_text="Les mots des sources sur l'activité.",
    )
    commune = models.CharField(_("commune"), max_length=150, blank=True)
    commune_insee = models.CharField(
        _("code INSEE de la commune"),
        max_length=5,
        blank=True,
        validators=[commune_insee_validator],
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="poles",
        verbose_name=_("département"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="poles",
        verbose_name=_("région"),
        help_text="Suit le département quand il est connu.",
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    location_precision = models.CharField(
        _("précision de la localisation"),
        max_length=20,
        choices=LocationPrecision.choices,
        default=LocationPrecision.NONE,
    )
    website = models.URLField(
        _("site web"), max_length=300, blank=True, validators=[validate_web_url]
    )
    contact_email = models.EmailField("courriel de contact", blank=True)
    year_created = models.PositiveSmallIntegerField(
        _("année de création"),
        null=True,
        blank=True,
        validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)],
    )
    stage = models.CharField(
        _("stade"), max_length=20, choices=Stage.choices, blank=True, help_text="Vide : inconnu."
    )
    charter_status = models.CharField(
        _("signataire de la charte du Labo de l'ESS"),
        max_length=10,
        choices=CharterStatus.choices,
        default=CharterStatus.UNKNOWN,
    )
    charter_year = models.PositiveSmallIntegerField(
        _("année de signature de la charte"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2014), MaxValueValidator(YEAR_MAX)],
    )
    charter_proof = models.CharField(
        _("preuve de la signature"),
        max_length=500,
        blank=True,
        help_text="Adresse web ou courte mention de la source qui atteste la signature.",
    )
    approaches = models.ManyToManyField(
        Approach,
        blank=True,
        related_name="poles",
        verbose_name=_("approches"),
        limit_choices_to=~Q(axis=ApproachAxis.COMMON_PLACE),
        help_text="Impulsion et dynamique économique ; le lieu commun a son propre champ.",
    )
    has_common_place = models.BooleanField(
        _("inscription dans un lieu commun"),
        null=True,
        blank=True,
        help_text="Les membres partagent-ils des locaux ? Vide : inconnu.",
    )
    impulse_note = models.CharField(_("précision sur l'impulsion"), max_length=300, blank=True)
    economic_dynamic_note = models.CharField(
        _("précision sur la dynamique économique"), max_length=300, blank=True
    )
    principles = models.ManyToManyField(
        Principle, blank=True, related_name="poles", verbose_name=_("principes")
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="poles", verbose_name=_("thématiques")
    )
    recognitions = models.ManyToManyField(
        StateCall,
        blank=True,
        related_name="poles",
        verbose_name=_("reconnaissances"),
        help_text="Appels de l'État remportés par le pôle.",
    )
    # The territory of action: where the pole acts, distinct from where it is located. Official
    # places only (poles/territories), filled where the sources say so.
    action_communes = models.ManyToManyField(
        "poles.Commune",
        blank=True,
        related_name="acting_poles",
        verbose_name=_("agit sur les communes"),
    )
    action_epcis = models.ManyToManyField(
        "poles.Epci",
        blank=True,
        related_name="acting_poles",
        verbose_name=_("agit sur les intercommunalités"),
    )
    action_departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="acting_poles",
        verbose_name=_("agit sur les départements"),
    )
    action_regions = models.ManyToManyField(
        Region, blank=True, related_name="acting_poles", verbose_name=_("agit sur les régions")
    )
    sources = models.TextField(
        _("sources"),
        blank=True,
        validators=[validate_source_urls],
        help_text="Une adresse web (http ou https) par ligne, d'où viennent les faits.",
    )
    last_verified = models.DateField(_("dernière vérification"), null=True, blank=True)
    is_published = models.BooleanField("publié", default=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    # The words search's documents (poles.search), written by the write service.
    search_names = models.TextField(editable=False, blank=True, default="")
    search_topics = models.TextField(editable=False, blank=True, default="")
    search_text = models.TextField(editable=False, blank=True, default="")
    # Their weighted full-text vector on PostgreSQL (GIN index, migration 0022); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    # The file's values at the last import (poles.imports): a re-import changes a fact only
    # where the file changed it, never what an editor or the pole changed since.
    imported_values = models.JSONField(
        "valeurs du dernier import", default=dict, blank=True, editable=False
    )

    objects = PoleQuerySet.as_manager()

    class Meta:
        verbose_name = "pôle"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["is_published", "name"], name="pole_published_name"),
            models.Index(fields=["is_published", "year_created"], name="pole_published_year"),
            models.Index(fields=["location_precision"], name="pole_location_precision"),
            models.Index(fields=["stage"], name="pole_stage"),
            models.Index(fields=["charter_status"], name="pole_charter"),
            models.Index(fields=["has_common_place"], name="pole_common_place"),
            models.Index(fields=["latitude", "longitude"], name="pole_point"),
            models.Index(
                YEAR_ASCENDING, "name", name="pole_year_asc", condition=Q(is_published=True)
            ),
            models.Index(
                YEAR_DESCENDING.desc(),
                "name",
                name="pole_year_desc",
                condition=Q(is_published=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="pole_lat_lon_together",
                violation_error_message="Latitude et longitude vont ensemble : les deux ou aucune.",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="pole_latitude_range",
                violation_error_message="La latitude est comprise entre -90 et 90.",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="pole_longitude_range",
                violation_error_message="La longitude est comprise entre -180 et 180.",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, location_precision=LocationPrecision.NONE)
                | (Q(latitude__isnull=False) & ~Q(location_precision=LocationPrecision.NONE)),
                name="pole_precision_matches_point",
                violation_error_message=(
                    "Un pôle placé sur la carte a une précision de localisation ; "
                    "un pôle sans point est « non localisé »."
                ),
            ),
            models.CheckConstraint(
                condition=Q(year_created__isnull=True)
                | Q(year_created__gte=YEAR_MIN, year_created__lte=YEAR_MAX),
                name="pole_year_created_range",
                violation_error_message=f"L'année de création est entre {YEAR_MIN} et {YEAR_MAX}.",
            ),
            models.CheckConstraint(
                condition=Q(charter_year__isnull=True) | Q(charter_status=CharterStatus.YES),
                name="pole_charter_year_needs_signature",
                violation_error_message="Une année de signature suppose un pôle signataire.",
            ),
            models.UniqueConstraint(
                Lower("name"),
                name="pole_unique_name_ci",
                violation_error_message="Un pôle porte déjà ce nom.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("poles:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if (self.latitude is None) != (self.longitude is None):
            missing = "longitude" if self.longitude is None else "latitude"
            errors.setdefault(missing, []).append(
                "Latitude et longitude vont ensemble : renseignez les deux ou aucune."
            )
        elif self.latitude is not None:
            try:
                validate_point_in_france(self.latitude, self.longitude)
            except ValidationError as error:
                errors.setdefault("latitude", []).extend(error.messages)
            if self.location_precision == LocationPrecision.NONE:
                errors.setdefault("location_precision", []).append(
                    "Indiquez ce que représente le point placé sur la carte."
                )
        elif self.location_precision != LocationPrecision.NONE:
            errors.setdefault("location_precision", []).append(
                "Sans point sur la carte, la précision est « non localisé »."
            )
        self._clean_commune(errors)
        if self.charter_year is not None and self.charter_status != CharterStatus.YES:
            errors.setdefault("charter_year", []).append(
                "Une année de signature suppose un pôle signataire de la charte."
            )
        if self.charter_proof and self.charter_status != CharterStatus.YES:
            errors.setdefault("charter_proof", []).append(
                "Une preuve de signature suppose un pôle signataire de la charte."
            )
        if errors:
            raise ValidationError(errors)

    def _clean_commune(self, errors: dict[str, list[str]]) -> None:
        """The commune's code against the official list (when loaded). Its name and department
        follow from it: poles.services writes them."""
        if not self.commune_insee:
            return
        official = Commune.objects.filter(code=self.commune_insee).first()
        if official is None:
            if Commune.objects.exists():
                errors.setdefault("commune_insee", []).append(
                    "Ce code INSEE n'est pas dans la liste officielle des communes."
                )
            return
        if self.department_id is not None and self.department_id != official.department_id:
            errors.setdefault("department", []).append(
                f"La commune {official.code} ({official.name}) n'est pas dans ce département."
            )

    def action_territories(self) -> list:
        """The places the pole acts on, broadest first (for its page)."""
        return [
            *self.action_regions.all(),
            *self.action_departments.all(),
            *self.action_epcis.all(),
            *self.action_communes.all(),
        ]

    @property
    def is_charter_unknown(self) -> bool:
        return self.charter_status == CharterStatus.UNKNOWN

    @property
    def charter_proof_url(self) -> str:
        """The proof as a link when it is a web address (else it is shown as text)."""
        return self.charter_proof if is_web_url(self.charter_proof) else ""

    @property
    def needs_verification(self) -> bool:
        return self.last_verified is None or self.last_verified < verification_threshold()

    def approaches_with_notes(self) -> list[tuple[Approach, str]]:
        """Each approach of the pole with the sources' words on its axis."""
        notes = {
            ApproachAxis.IMPULSE: self.impulse_note,
            ApproachAxis.ECONOMIC_DYNAMIC: self.economic_dynamic_note,
        }
        return [(approach, notes.get(approach.axis, "")) for approach in self.approaches.all()]

    @property
    def is_located(self) -> bool:
        return self.latitude is not None

    @property
    def is_location_approximate(self) -> bool:
        return self.location_precision == LocationPrecision.DEPARTMENT_SEAT

    @property
    def source_urls(self) -> list[str]:
        # Only web addresses become links, whatever path wrote the field.
        return [url for url in self.sources.split() if is_web_url(url)]

    @property
    def safe_website(self) -> str:
        return self.website if is_web_url(self.website) else ""


# --- Members ---------------------------------------------------------------------------------


class MemberCategory(models.TextChoices):
    ESS_ENTERPRISE = "entreprise-ess", _("entreprise de l'ESS")
    SME = "pme", _("PME")
    LOCAL_AUTHORITY = "collectivite", _("collectivité territoriale")
    RESEARCH_CENTRE = "recherche", _("centre de recherche")
    TRAINING_BODY = "formation", _("organisme de formation")
    OTHER = "autre", _("autre")


class Member(models.Model):
    name = models.CharField("nom", max_length=200)
    category = models.CharField(
        "catégorie", max_length=20, choices=MemberCategory.choices, default=MemberCategory.OTHER
    )
    siret = models.CharField("SIRET", max_length=17, blank=True, validators=[validate_siret])
    website = models.URLField("site web", max_length=300, blank=True, validators=[validate_web_url])
    commune = models.CharField("commune", max_length=150, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    history = HistoricalRecords(verbose_name="historique du membre")

    class Meta:
        verbose_name = "membre"
        ordering = ["name"]
        indexes = [models.Index(fields=["category"], name="member_category")]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="member_unique_name_ci",
                violation_error_message="Un membre porte déjà ce nom.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MembershipRole(models.TextChoices):
    CARRIER = "porteuse", _("structure porteuse")
    FOUNDER = "fondateur", _("membre fondateur")
    MEMBER = "membre", _("membre")
    PARTNER = "partenaire", _("partenaire")


class Membership(models.Model):
    pole = models.ForeignKey(
        Pole, on_delete=models.CASCADE, related_name="memberships", verbose_name="pôle"
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="memberships", verbose_name="membre"
    )
    role = models.CharField(
        "rôle",
        max_length=20,
        choices=MembershipRole.choices,
        blank=True,
        help_text="Vide : rôle non précisé par les sources.",
    )
    since_year = models.PositiveSmallIntegerField(
        "membre depuis",
        null=True,
        blank=True,
        validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)],
    )

    class Meta:
        verbose_name = "adhésion"
        ordering = ["member__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pole", "member"],
                name="membership_unique_pole_member",
                violation_error_message="Ce membre figure déjà dans ce pôle.",
            ),
            models.CheckConstraint(
                condition=Q(since_year__isnull=True)
                | Q(since_year__gte=YEAR_MIN, since_year__lte=YEAR_MAX),
                name="membership_since_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.pole}"


# --- History of the public facts ------------------------------------------------------------


class ChangeSource(models.TextChoices):
    """Where a change to a pole comes from (shown on its public history)."""

    IMPORT = "import", _("import d'un fichier")
    EDITOR = "editeur", _("l'équipe de l'annuaire")
    PROPOSAL = "proposition", _("une proposition acceptée")
    POLE = "pole", _("le pôle lui-même")


class PoleChange(models.Model):
    """One write to a pole (poles.services): who, why, from where, and each fact before → after.

    `user` and `reason` are for the editors; the public history shows the date, the source and
    the changes of public facts only.
    """

    pole = models.ForeignKey(
        Pole, on_delete=models.CASCADE, related_name="changes", verbose_name="pôle"
    )
    created_at = models.DateTimeField("date", default=timezone.now, db_index=True)
    user = models.ForeignKey(
        "auth.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    source = models.CharField("origine", max_length=20, choices=ChangeSource.choices)
    source_label = models.CharField(
        "précision sur l'origine", max_length=200, blank=True, help_text="Fichier, proposition…"
    )
    reason = models.CharField("motif", max_length=500, blank=True)
    is_creation = models.BooleanField("création", default=False)
    # [{"field": name, "before": value, "after": value}], values as poles.services.pole_facts.
    changes = models.JSONField("modifications", default=list, blank=True)

    class Meta:
        verbose_name = "modification d'un pôle"
        verbose_name_plural = "modifications des pôles"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["pole", "-created_at"], name="polechange_pole_date")]

    def __str__(self) -> str:
        return f"{self.pole} — {self.created_at:%Y-%m-%d %H:%M} ({self.get_source_display()})"

    @property
    def changed_fields(self) -> list[str]:
        return [change["field"] for change in self.changes]


class PoleFormerSlug(models.Model):
    """A former address of a pole: /poles/<slug>/ redirects to its current page."""

    slug = models.SlugField("ancien identifiant d'URL", max_length=200, unique=True)
    pole = models.ForeignKey(
        Pole, on_delete=models.CASCADE, related_name="former_slugs", verbose_name="pôle"
    )
    created_at = models.DateTimeField("date", auto_now_add=True)

    class Meta:
        verbose_name = "ancienne adresse d'un pôle"
        verbose_name_plural = "anciennes adresses des pôles"

    def __str__(self) -> str:
        return f"{self.slug} → {self.pole.slug}"


# --- Cache validation ------------------------------------------------------------------------


class DirectoryVersion(models.Model):
    """One row whose number goes up on every change to the directory's data.

    Cached map data and ETags are keyed by it, so any change (admin, import, script) is seen by
    every app server at once; see poles/signals.py.
    """

    number = models.PositiveBigIntegerField("numéro", default=1)
    changed_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "version de l'annuaire"

    def __str__(self) -> str:
        return f"version {self.number}"


# Models of the app's sub-packages, registered with the app.
from poles.alerts.models import Follow  # noqa: E402, F401
from poles.contributions.models import Proposal  # noqa: E402, F401
from poles.coordination.models import (  # noqa: E402, F401
    ClaimRequest,
    PoleCoordinator,
    Referent,
    SignInToken,
)
from poles.outbox.models import OutgoingEmail  # noqa: E402, F401
from poles.releases.models import Release  # noqa: E402, F401

# --- Rate limits -----------------------------------------------------------------------------


class RateCount(models.Model):
    """How many times a key (a hashed address or client and what it did) acted in a window.

    In the database, not the cache: shared by every worker and server, and no flood of other
    keys can evict it (poles.security.over_limit). Old windows are purged with the personal data.
    """

    key = models.CharField("clé", max_length=64)
    window_start = models.DateTimeField("début de la période")
    count = models.PositiveIntegerField("nombre", default=0)

    class Meta:
        verbose_name = "compteur de limite"
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="ratecount_unique")
        ]
        indexes = [models.Index(fields=["window_start"], name="ratecount_window")]

    def __str__(self) -> str:
        return f"{self.count} depuis {self.window_start:%Y-%m-%d %H:%M}"
