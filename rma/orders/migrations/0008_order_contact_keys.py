"""Each order's phone and delivery address as they are compared (rma.orders.customer_keys), so that a customer's
orders are found across emails. Blank columns here; 0007 fills them, 0008 indexes them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0007_order_placed_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="address_key",
            field=models.CharField(blank=True, editable=False, max_length=220, verbose_name="address, as compared"),
        ),
        migrations.AddField(
            model_name="order",
            name="phone_key",
            field=models.CharField(blank=True, editable=False, max_length=32, verbose_name="phone, as compared"),
        ),
    ]
