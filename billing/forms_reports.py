"""Filter forms of the reports. Each binds to GET parameters and yields what the queries need."""

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aom.lib.fields import DateField
from aom.models import User
from billing.reports import SalesFilter
from customers import rules, selectors

MAX_RANGE_DAYS = 366 * 5


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kw):
        super().__init__(format="%Y-%m-%d", **kw)


class DateRangeForm(forms.Form):
    start = DateField(label=_("Fecha inicial"), widget=DateInput())
    end = DateField(label=_("Fecha final"), widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            # On the end date: the field the person corrects.
            if end < start:
                self.add_error("end", _("La fecha final es anterior a la inicial."))
            elif end - start > timedelta(days=MAX_RANGE_DAYS):
                self.add_error("end", _("El intervalo no puede pasar de cinco años."))
        return data


def bind(form_class, request, defaults: dict, **kw):
    """Bind to the query string, or to the defaults when the page opens without one."""
    data = request.GET.copy() if request.GET else None
    if data is None:
        data = defaults
    else:
        for key, value in defaults.items():
            data.setdefault(key, value)
    return form_class(data, **kw)


def today_range() -> dict:
    today = timezone.localdate().isoformat()
    return {"start": today, "end": today}


def entity_sellers(entity_id):
    # Administrators sell recharges too, so every active account of the entity may appear.
    return User.objects.filter(entity_id=entity_id).order_by("full_name", "pk")


class SalesReportForm(DateRangeForm):
    ALL, BILLER, CUSTOMER = "all", "biller", "customer"
    filter_by = forms.ChoiceField(
        label=_("Filtrar por"),
        choices=[(ALL, _("Todo")), (BILLER, _("Facturador")), (CUSTOMER, _("Usuario"))],
    )
    biller = forms.ModelChoiceField(label=_("Facturador"), queryset=User.objects.none(), required=False)
    identification = forms.CharField(label=_("Identificación del usuario"), max_length=20, required=False)

    field_order = ["filter_by", "biller", "identification", "start", "end"]

    def __init__(self, *args, user: User, **kw):
        super().__init__(*args, **kw)
        self.user = user
        self.customer = None
        self.fields["biller"].queryset = entity_sellers(user.entity_id)
        if user.is_biller:
            # A biller only ever sees their own sales: the biller filter is theirs.
            del self.fields["biller"]
            self.fields["filter_by"].choices = [(self.ALL, _("Todo")), (self.CUSTOMER, _("Usuario"))]

    def clean(self):
        data = super().clean()
        by = data.get("filter_by")
        if by == self.BILLER and not data.get("biller"):
            self.add_error("biller", _("Elija un facturador."))
        if by == self.CUSTOMER:
            ident = (data.get("identification") or "").strip()
            if not ident:
                self.add_error("identification", _("Escriba la identificación del usuario."))
            else:
                try:
                    ident = rules.identification_lookup(ident)
                except ValidationError as exc:
                    self.add_error("identification", exc.messages[0])
                    return data
                self.customer = selectors.customer_by_identification(self.user.entity, ident)
                if self.customer is None:
                    self.add_error("identification", _("No existe un usuario con la identificación ingresada."))
        return data

    def sales_filter(self) -> SalesFilter:
        data = self.cleaned_data
        by = data["filter_by"]
        biller = data.get("biller") if by == self.BILLER else None
        if self.user.is_biller:
            biller = self.user
        return SalesFilter(
            entity=self.user.entity,
            start=data["start"],
            end=data["end"],
            biller=biller,
            customer=self.customer if by == self.CUSTOMER else None,
        )


class CashupForm(DateRangeForm):
    biller = forms.ModelChoiceField(label=_("Facturador"), queryset=User.objects.none())

    field_order = ["biller", "start", "end"]

    def __init__(self, *args, user: User, **kw):
        super().__init__(*args, **kw)
        self.user = user
        if user.is_biller:
            del self.fields["biller"]
        else:
            self.fields["biller"].queryset = entity_sellers(user.entity_id)

    def chosen_biller(self) -> User:
        return self.user if self.user.is_biller else self.cleaned_data["biller"]


class MonthForm(forms.Form):
    month = DateField(
        label=_("Mes"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(format="%Y-%m", attrs={"type": "month"}),
    )


def this_month() -> dict:
    return {"month": timezone.localdate().strftime("%Y-%m")}


def first_of(d: date) -> date:
    return d.replace(day=1)
