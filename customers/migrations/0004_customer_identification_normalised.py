import django.core.validators
import django.db.models.functions.text
from django.db import migrations, models


def add_search_name_trigram_index(apps, schema_editor):
    """PostgreSQL only: a trigram index that serves `search_name__contains` (the name search),
    as billing's 0002 does for the receipts' names."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS customer_search_name_trgm ON customers_customer USING gin (search_name gin_trgm_ops)"
    )


def drop_search_name_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS customer_search_name_trgm")


class Migration(migrations.Migration):
    """The constraint that keeps identifications normalised (after 0003 normalised the rows)."""

    dependencies = [
        ("customers", "0003_customer_rules_consent_staged_import"),
    ]

    operations = [
        migrations.RunPython(add_search_name_trigram_index, drop_search_name_trigram_index),
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
