"""Validators for DCSA T&T 2.2 event documents, built from the bundled specification in ``schemas/``.

The three event schemas (``equipmentEvent``, ``transportEvent``, ``shipmentEvent``) are taken from
``components/schemas`` of ``TNT_v2.2.0.bundled.yaml`` (Apache-2.0, DCSA; see ``schemas/NOTICE.md``).
One change is made in memory: ``documentReferences_inner.documentReferenceType`` accepts the bare codes
``BKG``/``TRD`` of the event domain instead of ``BKG (Booking)``/``TRD (Transport Document)``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from functools import lru_cache
from importlib.resources import files
from typing import Any

import fastjsonschema
import yaml
from jsonschema import Draft7Validator

from quayside.visibility.codes import DocumentReferenceType
from quayside.visibility.model import EventType

_SCHEMA_NAMES = {
    EventType.EQUIPMENT: "equipmentEvent",
    EventType.TRANSPORT: "transportEvent",
    EventType.SHIPMENT: "shipmentEvent",
}


@lru_cache(maxsize=1)
def _components() -> dict[str, Any]:
    text = (
        files("quayside.visibility").joinpath("schemas/TNT_v2.2.0.bundled.yaml").read_text(encoding="utf-8")
    )
    # libyaml when available: the bundled spec loads in a tenth of the time (same result).
    spec = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    # YAML turns the spec's `example` timestamps into datetime objects; the schemas must be plain JSON.
    schemas: dict[str, Any] = json.loads(
        json.dumps(copy.deepcopy(spec["components"]["schemas"]), default=str)
    )
    inner = schemas["documentReferences_inner"]["properties"]["documentReferenceType"]
    inner["enum"] = [code.value for code in DocumentReferenceType]
    return schemas


@lru_cache(maxsize=3)
def event_validator(event_type: EventType) -> Draft7Validator:
    """A validator of one DCSA event type (the document must include ``eventCreatedDateTime``)."""
    schema = {
        "allOf": [{"$ref": f"#/components/schemas/{_SCHEMA_NAMES[event_type]}"}],
        "components": {"schemas": _components()},
    }
    return Draft7Validator(schema)


#: jsonschema checks no ``format`` unless asked; the compiled validator must not either (the store checks
#: timestamps itself, with messages that say what is wrong).
_NO_FORMAT_CHECK = {"date-time": r"^", "date": r"^", "uri": r"^", "uuid": r"^", "email": r"^"}


@lru_cache(maxsize=3)
def fast_event_validator(event_type: EventType) -> Callable[[Any], Any]:
    """The same schema as :func:`event_validator`, compiled to Python by fastjsonschema.

    About 40 times faster on valid documents, which is the common case on bulk ingest; raises
    ``fastjsonschema.JsonSchemaValueException`` on an invalid one, whose message then comes from
    :func:`event_validator` (jsonschema stays the reference: a test checks both agree).
    """
    components = _components()
    schemas = {name: _merge_fragments(schema, components) for name, schema in components.items()}
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "allOf": [{"$ref": f"#/components/schemas/{_SCHEMA_NAMES[event_type]}"}],
        "components": {"schemas": schemas},
    }
    validate: Callable[[Any], Any] = fastjsonschema.compile(schema, formats=_NO_FORMAT_CHECK)
    return validate


# Keywords a fragment of ``allOf`` may hold and still be merged into its parent: ``type: object``, its
# properties and required names, and annotations that validate nothing.
_MERGEABLE = frozenset({"type", "properties", "required", "description", "example", "deprecated"})


def _is_object_fragment(schema: Any) -> bool:
    return (
        isinstance(schema, dict)
        and set(schema) <= _MERGEABLE
        and schema.get("type", "object") == "object"
        and isinstance(schema.get("properties", {}), dict)
    )


def _merge_fragments(schema: Any, components: dict[str, Any], seen: frozenset[str] = frozenset()) -> Any:
    """``schema`` with each ``allOf`` of plain object fragments merged into one ``properties`` object.

    The DCSA specification writes an event as an ``allOf`` of some twenty one-property objects; compiled
    as written, the validator re-checks the type and re-reads the keys of the event twenty times. With no
    ``additionalProperties`` anywhere in a merged group, ``allOf: [{properties: {a: A}}, {properties:
    {b: B}}]`` accepts exactly what ``{properties: {a: A, b: B}}`` accepts; a property named twice keeps
    both its schemas under ``allOf``, and the ``required`` lists are joined. A ``$ref`` member of such an
    ``allOf`` is replaced by the component it names when that is a plain fragment too (``seen`` stops a
    component from being expanded inside itself). Anything else is left as is.
    """
    if isinstance(schema, list):
        return [_merge_fragments(item, components, seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _merge_fragments(value, components, seen) for key, value in schema.items()}
    parts = out.get("allOf")
    if not isinstance(parts, list) or not parts:
        return out
    parts = [_inline(part, components, seen) for part in parts]
    if not all(_is_object_fragment(p) for p in parts):
        return out
    if "additionalProperties" in out or "patternProperties" in out or "properties" in out:
        return out
    if out.get("type", "object") != "object":
        return out
    merged: dict[str, Any] = {}
    required: list[str] = list(out.get("required", []))
    typed = "type" in out
    for part in parts:
        typed = typed or "type" in part
        required += [name for name in part.get("required", []) if name not in required]
        for name, sub in part.get("properties", {}).items():
            if name in merged:
                earlier = merged[name]
                merged[name] = (
                    {"allOf": [*earlier["allOf"], sub]}
                    if set(earlier) == {"allOf"}
                    else {"allOf": [earlier, sub]}
                )
            else:
                merged[name] = sub
    del out["allOf"]
    out["properties"] = merged
    if required:
        out["required"] = required
    if typed:
        out["type"] = "object"
    return out


_COMPONENT_REF = "#/components/schemas/"


def _inline(part: Any, components: dict[str, Any], seen: frozenset[str]) -> Any:
    """The merged component a ``{"$ref": ...}`` names, or ``part`` itself when it is not such a ref."""
    if not (isinstance(part, dict) and set(part) == {"$ref"} and isinstance(part["$ref"], str)):
        return part
    ref: str = part["$ref"]
    name = ref.removeprefix(_COMPONENT_REF)
    if not ref.startswith(_COMPONENT_REF) or name not in components or name in seen:
        return part
    return _merge_fragments(components[name], components, seen | {name})
