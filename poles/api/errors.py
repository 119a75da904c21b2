from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    """Every error as {"detail": a sentence}; an invalid parameter also names each one."""
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError) and isinstance(exc.detail, dict):
        errors = {name: [str(m) for m in messages] for name, messages in exc.detail.items()}
        parts = [f"{name} : {' '.join(messages)}" for name, messages in errors.items()]
        response.data = {
            "detail": _("Paramètre invalide. %(errors)s") % {"errors": " ; ".join(parts)},
            "erreurs": errors,
        }
    return response
