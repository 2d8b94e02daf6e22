"""What the fake PrestaShop webservice (fake.py) writes and reads: its resource names, XML and JSON documents as
WebserviceOutputXML and WebserviceOutputJSON render them, and the list filters of WebserviceRequest."""

import json
from typing import Any
from xml.etree import ElementTree

SINGULAR = {
    "addresses": "address",
    "cart_rules": "cart_rule",
    "categories": "category",
    "combinations": "combination",
    "countries": "country",
    "currencies": "currency",
    "customers": "customer",
    "languages": "language",
    "messages": "message",
    "order_details": "order_detail",
    "order_histories": "order_history",
    "order_slip": "order_slip",
    "orders": "order",
    "product_option_values": "product_option_value",
    "product_options": "product_option",
    "products": "product",
    "stock_availables": "stock_available",
}
PLURAL = {"order_slip": "order_slips"}


def fields_of(node: ElementTree.Element) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for child in node:
        languages = child.findall("language")
        if child.tag == "associations":
            fields["associations"] = {group.tag: [fields_of(item) for item in group] for group in child}
        elif languages:
            fields[child.tag] = [{"id": lang.get("id"), "value": lang.text or ""} for lang in languages]
        else:
            fields[child.tag] = (child.text or "").strip()
    return fields


def text_of(value: Any) -> Any:
    if isinstance(value, dict | list):
        return value
    return None if value is None else str(value)  # null stays null (a test sets it; PrestaShop writes "")


def sort_key(value: Any) -> tuple[int, Any]:
    text = str(value or "")
    return (0, int(text)) if text.isdigit() else (1, text)


def matches(value: str, expression: str) -> bool:
    if expression.startswith("%[") and expression.endswith("]%"):
        return expression[2:-2].lower() in value.lower()
    inner = expression.strip("[]")
    if "|" in inner:
        return value in inner.split("|")
    if "," in inner:
        low, high = inner.split(",", 1)
        if value.isdigit() and low.isdigit() and high.isdigit():
            return int(low) <= int(value) <= int(high)
        return low <= value <= high
    return value.lower() == inner.lower()


class Plain(Exception):
    """An answer sent as it is (not a PrestaShop document)."""

    def __init__(self, status: int, body: bytes, kind: str = "text/plain") -> None:
        super().__init__(status)
        self.status, self.body, self.kind = status, body, kind


def json_render(answer: Any, single_language: bool) -> str:
    """WebserviceOutputJSON: ids as numbers; one object without its empty and "0" fields (overrideContent's
    array_filter); a multilingual field as its one value when the shop has one language (renderField)."""

    def entity(row: dict[str, Any], top: bool) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in row.items():
            if (
                isinstance(value, list)
                and value
                and all(isinstance(v, dict) and set(v) == {"id", "value"} for v in value)
            ):
                value = value[0]["value"] if single_language else value
            if key == "id" and str(value).isdigit():
                value = int(value)
            if top and value in ("", "0", None, [], {}):
                continue
            out[key] = value
        return out

    if not isinstance(answer, dict):
        return json.dumps(answer)
    rendered: dict[str, Any] = {}
    for node, value in answer.items():
        if node == "errors":
            rendered[node] = value
        elif isinstance(value, list):
            rendered[node] = [entity(row, False) for row in value]
        else:
            rendered[node] = entity(value, True)
    return json.dumps(rendered, ensure_ascii=False)


def xml_render(answer: Any, url: str, display: bool = True) -> str:
    """WebserviceOutputXML: <prestashop> holding the list node or the object node, values in CDATA, multilingual
    fields as <language id="n">, associations as <order_rows nodeType="order_row" virtualEntity="true">."""

    def cdata(value: Any) -> str:
        return f"<![CDATA[{value}]]>" if value not in (None, "") else ""

    def fields(row: dict[str, Any]) -> str:
        out = []
        for key, value in row.items():
            if key == "associations":
                groups = []
                for name, items in value.items():
                    single = name[:-1] if name.endswith("s") else name
                    items = [items] if isinstance(items, dict) else items
                    inner = "".join(f"<{single}>{fields(item)}</{single}>" for item in items)
                    groups.append(f'<{name} nodeType="{single}" virtualEntity="true">{inner}</{name}>')
                out.append(f"<associations>{''.join(groups)}</associations>")
            elif isinstance(value, list):
                langs = "".join(
                    f'<language id="{v["id"]}" xlink:href="{url}api/languages/{v["id"]}">'
                    f"{cdata(v['value'])}</language>"
                    for v in value
                )
                out.append(f"<{key}>{langs}</{key}>")
            else:
                out.append(f"<{key}>{cdata(value)}</{key}>")
        return "".join(out)

    body = ""
    if isinstance(answer, dict):
        for node, value in answer.items():
            if node == "errors":
                body += (
                    "<errors>"
                    + "".join(
                        f"<error><code>{cdata(e['code'])}</code><message>{cdata(e['message'])}</message></error>"
                        for e in value
                    )
                    + "</errors>"
                )
            elif isinstance(value, list):
                resource = next((k for k, v in PLURAL.items() if v == node), node)
                tag = SINGULAR[resource]
                body += (
                    f"<{node}>"
                    + "".join(
                        f"<{tag}>{fields(row)}</{tag}>"
                        if display
                        else f'<{tag} id="{row["id"]}" xlink:href="{url}api/{resource}/{row["id"]}"/>'
                        for row in value
                    )
                    + f"</{node}>"
                )
            else:
                body += f"<{node}>{fields(value)}</{node}>"
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<prestashop xmlns:xlink="http://www.w3.org/1999/xlink">{body}</prestashop>\n'
