"""The curated content warnings readers start from (staff add more in the admin or by API)."""

from django.db import migrations

CURATED = [
    "Abandonment", "Ableism", "Addiction", "Animal cruelty", "Animal death", "Body horror",
    "Bullying", "Cancer", "Child abuse", "Child death", "Death", "Domestic abuse",
    "Drug use", "Eating disorder", "Gore", "Grief", "Gun violence", "Homophobia",
    "Infidelity", "Kidnapping", "Mental illness", "Miscarriage", "Murder", "Pandemic",
    "Racism", "Self harm", "Sexism", "Sexual assault", "Sexual content", "Slavery",
    "Suicide", "Terminal illness", "Torture", "Transphobia", "Violence", "War",
]


def add(apps, schema_editor):
    ContentWarning = apps.get_model("impressions", "ContentWarning")
    ContentWarning.objects.bulk_create(
        [ContentWarning(name=name) for name in CURATED], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("impressions", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
