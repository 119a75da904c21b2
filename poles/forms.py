from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db import models
from django.templatetags.static import static
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from poles.filters import PoleFilter
from poles.models import LocationPrecision, Pole
from poles.services import pole_conflicts, pole_latest_change_id, proposed_facts

POLE_FIELDS = frozenset(f.name for f in Pole._meta.get_fields())


# Editors typing "ecossolies.fr" mean https (Django 6's default, opted into now), in the admin's
# forms (its formfield_overrides) and in the form classes below.
URL_FIELD_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


def https_formfield(db_field, **kwargs):
    """The form field of a model field with URL_FIELD_OVERRIDES. A ModelForm class builds its
    fields when its module loads, before any admin override: without this, Django warns there
    (RemovedInDjango60Warning), which the tests turn into an error."""
    return db_field.formfield(**{**URL_FIELD_OVERRIDES.get(type(db_field), {}), **kwargs})


class PointMapWidget(forms.NumberInput):
    """The latitude input, followed by a map where the editor clicks or drags the point.

    The map only helps: both inputs stay plain number fields, usable from the keyboard.
    """

    template_name = "poles/widgets/point_map.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Leaflet finds its default marker images by a path guessed from its CSS, which the
        # fingerprinted static files of production break: give it their real addresses.
        context["marker_icons"] = {
            "iconUrl": static("leaflet/images/marker-icon.png"),
            "iconRetinaUrl": static("leaflet/images/marker-icon-2x.png"),
            "shadowUrl": static("leaflet/images/marker-shadow.png"),
        }
        return context

    @property
    def media(self) -> forms.Media:
        return forms.Media(
            css={"all": [static("leaflet/leaflet.css"), static("css/admin_point_map.css")]},
            js=[
                static("leaflet/leaflet.js"),
                static("leaflet/leaflet.extras.js"),
                static("js/admin_point_map.js"),
                static("js/leaflet_maps.js"),
            ],
        )


class AdminLoginForm(AdminAuthenticationForm):
    """The admin login, with the user name bounded on the server too.

    Django only sets the input's maxlength attribute: a longer name reached authenticate() and
    django-axes' failure record (a 255-character column), a 500 on PostgreSQL.
    """

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        limit = self.fields["username"].max_length or 150
        if len(username) > limit:
            raise forms.ValidationError(
                "Un identifiant compte au plus %(limit)d caractères.", params={"limit": limit}
            )
        return username


class PoleAdminForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Motif de la modification",
        required=False,
        max_length=500,
        help_text="Facultatif : gardé dans l'historique, visible des éditeurs seulement.",
    )
    # The latest history entry when the form was opened: a save never undoes a change made
    # since that the editor did not see (poles.services).
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Pole
        exclude: list[str] = []
        formfield_callback = https_formfield
        widgets = {
            "latitude": PointMapWidget(attrs={"step": "0.000001", "data-point-latitude": ""}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "data-point-longitude": ""}),
            "location_precision": forms.Select(
                attrs={
                    "data-point-precision": "",
                    "data-precision-none": LocationPrecision.NONE,
                    "data-precision-default": LocationPrecision.COMMUNE,
                }
            ),
            "sources": forms.Textarea(attrs={"rows": 4}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["based_on"].initial = pole_latest_change_id(pole=self.instance)

    def clean(self):
        cleaned = super().clean()
        based_on = cleaned.get("based_on")
        if self.instance.pk is None or based_on is None:
            return cleaned
        changed = {name: cleaned[name] for name in self.changed_data
                   if name in cleaned and name in POLE_FIELDS}  # fmt: skip
        conflicts, _untouched = pole_conflicts(
            pole=Pole.objects.get(pk=self.instance.pk),
            based_on=based_on,
            proposed=proposed_facts(changed),
        )
        for name in conflicts:
            self.add_error(
                name,
                "Ce champ a été modifié par ailleurs depuis l'ouverture du formulaire "
                "(voir l'historique) : rechargez la fiche pour partir de sa valeur actuelle.",
            )
        return cleaned

    def clean_sources(self) -> str:
        lines = [line.strip() for line in self.cleaned_data["sources"].splitlines()]
        urls = [line for line in lines if line]
        validator = forms.URLField(assume_scheme="https").clean
        bad = []
        for url in urls:
            try:
                validator(url)
            except forms.ValidationError:
                bad.append(url)
        if bad:
            raise forms.ValidationError(
                "Adresses web invalides : %(bad)s", params={"bad": ", ".join(bad)}
            )
        return "\n".join(urls)


class EmbedForm(forms.Form):
    """The "Intégrer la carte" builder: one value per filter (the PoleFilter's own names, labels
    and choices) and a height. Its cleaned filters are the embedded map's parameters."""

    FILTERS = ("region", "departement", "impulsion", "dynamique", "lieu_commun", "thematique",
               "charte", "reconnaissance")  # fmt: skip
    HEIGHTS = (400, 550, 700)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.FILTERS:
            declared = PoleFilter.base_filters[name]
            choices = declared.extra["choices"]
            self.fields[name] = forms.ChoiceField(
                label=declared.label,
                required=False,
                choices=[("", _("Tous")), *(choices() if callable(choices) else choices)],
            )
        self.fields["hauteur"] = forms.TypedChoiceField(
            label=_("Hauteur"),
            choices=[(h, _("%(height)s pixels") % {"height": h}) for h in self.HEIGHTS],
            coerce=int,
            initial=550,
            required=False,
            empty_value=550,
        )

    def selection(self) -> str:
        """The embedded map's query string (only the chosen filters)."""
        if not self.is_valid():
            return ""
        return urlencode([(name, self.cleaned_data[name]) for name in self.FILTERS
                          if self.cleaned_data.get(name)])  # fmt: skip

    def height(self) -> int:
        return (self.cleaned_data.get("hauteur") or 550) if self.is_valid() else 550


# A partner's CSV, checked or turned into proposals, never stored: a few thousand rows at most.
MAX_CSV_BYTES = 2 * 1024 * 1024


class CsvFileForm(forms.Form):
    """A file of poles in the data's format, sent through a form (public check, admin)."""

    fichier = forms.FileField(label=_("Fichier CSV (UTF-8, au format des données)"))

    @property
    def max_mb(self) -> int:
        return MAX_CSV_BYTES // (1024 * 1024)

    def clean_fichier(self):
        upload = self.cleaned_data["fichier"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(
                _("Fichier trop lourd : %(max)d Mo au plus."), params={"max": self.max_mb}
            )
        return upload
