from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler

from poles.filters import parameter_errors_text


def api_exception_handler(exc, context):
    """Every error as {"detail": a sentence}; an invalid parameter also names each one."""
    response = exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError) and isinstance(exc.detail, dict):
        errors = {name: [str(m) for m in messages] for name, messages in exc.detail.items()}
        response.data = {"detail": parameter_errors_text(errors), "erreurs": errors}
    return response
