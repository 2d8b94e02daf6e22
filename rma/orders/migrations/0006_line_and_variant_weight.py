from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('orders', '0005_product_variant_backfill'),
    ]

    operations = [
        migrations.AddField(
            model_name='orderline',
            name='unit_weight_g',
            field=models.PositiveIntegerField(blank=True, help_text='As the shop publishes it; empty when it publishes none (reports then estimate it).', null=True, verbose_name='weight per unit (g)'),
        ),
        migrations.AddField(
            model_name='productvariant',
            name='weight_g',
            field=models.PositiveIntegerField(blank=True, help_text='The latest weight a sale of this SKU told.', null=True, verbose_name='weight per unit (g)'),
        ),
    ]
