import django.core.validators
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    """The constraint that keeps identifications normalised (after 0003 normalised the rows)."""

    dependencies = [
        ("customers", "0003_customer_rules_consent_staged_import"),
    ]

    operations = [
        migrations.AlterField(
            model_name='customer',
            name='identification',
            field=models.CharField(max_length=20, validators=[django.core.validators.RegexValidator('^[0-9A-Z]+$', 'Solo letras mayúsculas y dígitos.')], verbose_name='identificación'),
        ),
        migrations.AddConstraint(
            model_name='customer',
            constraint=models.CheckConstraint(condition=models.Q(('identification', django.db.models.functions.text.Upper('identification')), models.Q(('identification__contains', ' '), _negated=True), models.Q(('identification__contains', '.'), _negated=True), models.Q(('identification__contains', '-'), _negated=True), models.Q(('identification', ''), _negated=True)), name='customer_identification_normalised'),
        ),
    ]
