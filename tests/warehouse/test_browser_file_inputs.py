"""The inspection page's photo input speaks the page's language (not the browser's "Choose file / No file chosen")
and lists the chosen files, in French and in English. In Chromium."""

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from rma.warehouse.services import arrival_register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.mark.parametrize(
    ("language", "button", "none", "chosen"),
    [
        ("fr", "Choisir des photos", "Aucun fichier choisi pour l’instant.", "2 fichiers choisis\u00a0: a.png, b.png"),
        ("en", "Choose photos", "No file chosen yet.", "2 files chosen: a.png, b.png"),
    ],
)
def test_the_photo_input_is_translated_and_names_the_chosen_files(
    page: Page, live_server, make_return, operator, warehouse, language, button, none, chosen
):
    return_request = make_return()
    arrival_register(code=return_request.rma_number, warehouse=warehouse, actor=operator)
    line = return_request.lines.get()
    base = live_server.url
    page.goto(base + "/warehouse/login/")
    page.locator("input[name=username]").fill("alice")
    page.locator("input[name=password]").fill("demo-password")
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/login/" not in url)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base}])

    page.goto(base + reverse("warehouse:unit-inspect", args=[return_request.public_id, line.pk, 1]))
    picker = page.locator("[data-file-pick]")
    expect(picker.locator(".file-pick__button")).to_have_text(button)
    expect(picker.locator("[data-file-names]")).to_have_text(none)
    expect(picker.locator("input[type=file]")).to_have_css("opacity", "0")

    picker.locator("input[type=file]").set_input_files(
        [
            {"name": "a.png", "mimeType": "image/png", "buffer": PNG},
            {"name": "b.png", "mimeType": "image/png", "buffer": PNG},
        ]
    )
    expect(picker.locator("[data-file-names]")).to_have_text(chosen)
