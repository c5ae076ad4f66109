"""A small validator for the JSON Schema subset of OpenAPI 3.0 that docs/openapi.py writes.

It refuses keywords it does not know, so that the document cannot grow a rule this check would silently skip.
"""

import base64
import binascii
import re

KNOWN = {
    "$ref",
    "allOf",
    "type",
    "enum",
    "pattern",
    "maxLength",
    "minLength",
    "format",
    "required",
    "properties",
    "items",
    "description",
    "example",
    "x-plaintext",
    "nullable",
}
TYPES = {"object": dict, "string": str, "integer": int, "boolean": bool, "array": list}


def resolve(document, node):
    """Follows "#/…" references to the node they name."""
    while "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def errors(document, schema, value, where="$"):
    """Every way value breaks schema, as readable strings (empty when it validates)."""
    schema = resolve(document, schema)
    unknown = set(schema) - KNOWN
    if unknown:
        return [f"{where}: the test's validator does not know {sorted(unknown)}"]
    found = []
    for part in schema.get("allOf", []):
        found += errors(document, part, value, where)
    expected = schema.get("type")
    if value is None and schema.get("nullable"):
        return found
    if expected and not isinstance(value, TYPES[expected]):
        return found + [f"{where}: {value!r} is not of type {expected}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        found += _string_errors(schema, value, where)
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += errors(document, schema["items"], item, f"{where}[{index}]")
    if isinstance(value, dict):
        found += _object_errors(document, schema, value, where)
    return found


def _string_errors(schema, value, where):
    found = []
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        found.append(f"{where}: longer than {schema['maxLength']}")
    if "minLength" in schema and len(value) < schema["minLength"]:
        found.append(f"{where}: shorter than {schema['minLength']}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if schema.get("format") == "date-time" and not re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value
    ):
        found.append(f"{where}: {value!r} is not an RFC 3339 date-time")
    if schema.get("format") == "byte":
        try:
            base64.b64decode(value, validate=True)
        except binascii.Error:
            found.append(f"{where}: {value!r} is not base64")
    return found


def _object_errors(document, schema, value, where):
    found = [f"{where}: {name} is required" for name in schema.get("required", []) if name not in value]
    for name, subschema in schema.get("properties", {}).items():
        if name in value:
            found += errors(document, subschema, value[name], f"{where}.{name}")
    return found
