"""Error reports that never show a secret, whatever DEBUG says."""

from django.views.debug import SafeExceptionReporterFilter


class AlwaysSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter, active with DEBUG on too: variables marked with `sensitive_variables`
    (and POST fields marked with `sensitive_post_parameters`) show as stars on the technical 500
    page as in the e-mailed reports. A developer who needs a key reads it deliberately."""

    def is_active(self, request):
        return True
