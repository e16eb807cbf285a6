"""Kubernetes manifests checked against the API's own OpenAPI v3 documents (``api/openapi-spec/v3`` of the
``k8s.io/kubernetes`` module, fetched from the Go module proxy), strictly as kubeconform does: an object
schema that lists its properties accepts no other field."""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

KUBERNETES_VERSION = "v1.33.4"
MODULE = f"k8s.io/kubernetes@{KUBERNETES_VERSION}"


def spec_dir() -> Path:
    """The module's OpenAPI folder, downloaded into Go's module cache once (``go mod download``)."""
    found = subprocess.run(
        ["go", "mod", "download", "-json", MODULE],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
        env={**__import__("os").environ, "GOFLAGS": "-mod=mod"},
    )
    return Path(json.loads(found.stdout)["Dir"]) / "api" / "openapi-spec" / "v3"


def _document_name(api_version: str) -> str:
    if "/" not in api_version:
        return f"api__{api_version}_openapi.json"
    group, version = api_version.split("/")
    return f"apis__{group}__{version}_openapi.json"


def _strict(node: Any) -> Any:
    if isinstance(node, dict):
        out = {k: _strict(v) for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out:
            out["additionalProperties"] = False
        if "$ref" in out:  # OpenAPI 3.0: siblings of $ref are ignored; keep only the reference
            return {"$ref": out["$ref"].replace("#/components/schemas/", "#/definitions/")}
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


@cache
def _schemas(folder: Path, api_version: str) -> tuple[dict[str, Any], dict[tuple[str, str], str]]:
    document = json.loads((folder / _document_name(api_version)).read_text())
    schemas = document["components"]["schemas"]
    kinds = {
        (gvk["version"] if not gvk["group"] else f"{gvk['group']}/{gvk['version']}", gvk["kind"]): name
        for name, schema in schemas.items()
        for gvk in schema.get("x-kubernetes-group-version-kind", [])
    }
    return _strict(schemas), kinds


def errors(manifest: dict[str, Any], folder: Path) -> list[str]:
    """What the Kubernetes API's schema finds wrong in ``manifest`` (empty: valid)."""
    api_version, kind = manifest.get("apiVersion", ""), manifest.get("kind", "")
    try:
        definitions, kinds = _schemas(folder, api_version)
    except FileNotFoundError:
        return [f"{api_version} is not an API group/version of Kubernetes {KUBERNETES_VERSION}"]
    name = kinds.get((api_version, kind))
    if name is None:
        return [f"{kind} is not a kind of {api_version}"]
    schema = {"$ref": f"#/definitions/{name}", "definitions": definitions}
    validator = jsonschema.Draft4Validator(schema)
    where = f"{kind}/{manifest.get('metadata', {}).get('name', '?')}"
    return [
        f"{where}: {'.'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
        for error in validator.iter_errors(manifest)
    ]
