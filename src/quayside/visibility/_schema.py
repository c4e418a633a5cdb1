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
    spec = yaml.safe_load(text)
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
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "allOf": [{"$ref": f"#/components/schemas/{_SCHEMA_NAMES[event_type]}"}],
        "components": {"schemas": _components()},
    }
    validate: Callable[[Any], Any] = fastjsonschema.compile(schema, formats=_NO_FORMAT_CHECK)
    return validate
