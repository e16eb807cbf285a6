"""Policy files: YAML validated by typed models, with errors that name the file, line and field."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from detectors.entities import ENTITIES, SENSITIVE_CATEGORIES, Category
from rules.decision import Action
from rules.jurisdiction import (
    GBA,
    GBA_CONTRACT_FOR,
    GBA_CONTRACTS,
    LEGAL_BASES,
    PERSONAL_CATEGORIES,
    ContractKind,
    Exemption,
    Jurisdiction,
    crosses_boundary,
    kind_mismatch,
)
from rules.operators import OPERATORS
from rules.tuning import Tuning

PRESETS = ("gba-default", "mask-all")


class PolicyError(ValueError):
    """A policy that cannot be loaded; the message names the file, line and field."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Organisation(_Model):
    name: str
    jurisdiction: Jurisdiction
    # How this organisation signs its flow headers (customs/flow_signature.py): hmac-sha256, its secret in
    # CUSTOMS_FLOW_KEYS_DIR (never here), or ed25519, its public keys below. Unset: it cannot be verified.
    signing: Literal["hmac-sha256", "ed25519"] | None = None
    # ed25519 only: key id (the organisation id, or ORG:LABEL) -> public key, base64 of its 32 raw bytes.
    public_keys: dict[str, str] = Field(default_factory=dict)

    def public_key(self, key_id: str) -> bytes | None:
        """The raw Ed25519 public key of ``key_id`` (checked when the policy was loaded), if listed."""
        text = self.public_keys.get(key_id)
        return base64.b64decode(text) if text is not None else None


class Contract(_Model):
    """A flow's legal basis. ``filing_reference`` is its reference: the filing number of a GBA Standard
    Contract, the certificate number of a certification, the approval number of a security assessment
    (optional for an exemption, which names its case in ``exemption``)."""

    kind: ContractKind
    filing_reference: str | None = None
    exemption: Exemption | None = None
    in_force_from: date
    in_force_until: date | None = None

    def in_force_on(self, day: date) -> bool:
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)

    @property
    def is_legal_basis(self) -> bool:
        """Whether this lets personal information leave the mainland: a basis other than ``none``, with
        its reference (an exemption: with its case)."""
        if self.kind is ContractKind.EXEMPTION:
            return self.exemption is not None
        return self.kind in LEGAL_BASES and bool((self.filing_reference or "").strip())


class Flow(_Model):
    id: str
    source: str
    destination: str
    contract: Contract
    purposes: tuple[str, ...]
    categories: tuple[Category, ...]
    impact_assessment: bool = False
    consent_for_sensitive: bool = False
    # Whether the statistical NER model reads this flow's free text; unset: the policy's ``ner``.
    ner: bool | None = None
    # Whether every record of this flow must carry its source's signature (customs-signature); a missing,
    # malformed or wrong one is quarantined as flow_unauthenticated. Unset: the policy's require_signature.
    require_signature: bool | None = None


class OperatorSpec(_Model):
    name: str
    params: dict[str, str | int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known(self) -> OperatorSpec:
        operator = OPERATORS.get(self.name)
        if operator is None:
            raise ValueError(f"unknown operator {self.name!r}; known: {', '.join(sorted(OPERATORS))}")
        operator.check(self.params)
        return self


class Rule(_Model):
    id: str
    entities: tuple[str, ...] = ()
    categories: tuple[Category, ...] = ()
    flows: tuple[str, ...] = ()  # empty: every flow
    action: Action
    operator: OperatorSpec | None = None
    min_score: float = Field(default=0.0, ge=0.0, le=1.0)
    # For this rule's low-confidence findings (between review_threshold and score_threshold):
    # quarantine holds the record for review, ignore lets it pass; unset: the policy's low_confidence_action.
    on_low_confidence: Literal["quarantine", "ignore"] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        if not self.entities and not self.categories:
            raise ValueError("a rule needs entities or categories")
        if self.action is Action.MASK and self.operator is None:
            raise ValueError("a mask rule needs an operator")
        return self


class Policy(_Model):
    name: str
    version: str = ""  # the content hash, filled in by the loader
    require_flow: bool = True
    score_threshold: float = Field(default=0.5, ge=0.0, le=1.0)
    # Findings scoring in [review_threshold, score_threshold) are "low confidence": not acted on as
    # findings, but a record holding one is quarantined (reason low_confidence) when its rule's
    # on_low_confidence, or else low_confidence_action, says quarantine. Unset: no such band.
    review_threshold: float | None = Field(default=None, ge=0.0, le=1.0)
    low_confidence_action: Literal["quarantine", "ignore"] = "ignore"
    default_action: Literal["allow", "mask", "quarantine"] = "quarantine"
    default_operator: OperatorSpec = OperatorSpec(name="type_tag")
    # Whether the statistical NER model reads free text (names and addresses the rules miss); a flow's
    # own ``ner`` overrides it. Off: the rules alone (e.g. for flows of structured records only).
    ner: bool = True
    # Whether flows require their source's signature unless they say otherwise (``require_signature``).
    require_signature: bool = False
    organisations: dict[str, Organisation] = Field(default_factory=dict)
    flows: tuple[Flow, ...] = ()
    rules: tuple[Rule, ...] = ()
    # Detection tuning: allow and deny lists, custom recognizers, context words (rules.tuning).
    tuning: Tuning = Field(default_factory=Tuning)

    @model_validator(mode="after")
    def _references(self) -> Policy:
        entities = ENTITIES | self.tuning.new_entities.keys()
        for index, rule in enumerate(self.rules):
            unknown = [e for e in rule.entities if e not in entities]
            if unknown:
                known = ", ".join(sorted(entities))
                raise ValueError(f"rules.{index}.entities: unknown entity {unknown[0]!r}; known: {known}")
        if self.review_threshold is not None and self.review_threshold > self.score_threshold:
            raise ValueError("review_threshold: must not exceed score_threshold")
        for index, flow in enumerate(self.flows):
            for role in ("source", "destination"):
                org = getattr(flow, role)
                if org not in self.organisations:
                    raise ValueError(f"flows.{index}.{role}: unknown organisation {org!r}")
        _unique("flows", [flow.id for flow in self.flows])
        for org_id, org in self.organisations.items():
            _check_signing(org_id, org)
        for index, flow in enumerate(self.flows):
            signer = self.organisations[flow.source]
            if self.signature_required(flow) and signer.signing is None:
                raise ValueError(
                    f"flows.{index}.require_signature: the source {flow.source} cannot be verified: give"
                    f" organisations.{flow.source} signing: hmac-sha256 (its secret in CUSTOMS_FLOW_KEYS_DIR)"
                    " or signing: ed25519 with its public_keys"
                )
        _unique("rules", [rule.id for rule in self.rules])
        for index, flow in enumerate(self.flows):
            _check_legal_basis(index, flow, self.organisations)
        flow_ids = {flow.id for flow in self.flows}
        for index, rule in enumerate(self.rules):
            for flow_id in rule.flows:
                if flow_id not in flow_ids:
                    raise ValueError(f"rules.{index}.flows: unknown flow {flow_id!r}")
        return self

    def ner_for(self, source: str | None, destination: str | None, purpose: str | None) -> bool:
        """Whether the NER model reads the records of this flow (the flow's ``ner``, else the policy's)."""
        flow = self.find_flow(source, destination, purpose)
        return self.ner if flow is None or flow.ner is None else flow.ner

    def signature_required(self, flow: Flow | None) -> bool:
        """Whether records of ``flow`` (None: a record that matched no flow) must be signed."""
        if flow is None or flow.require_signature is None:
            return self.require_signature
        return flow.require_signature

    def find_flow(self, source: str | None, destination: str | None, purpose: str | None) -> Flow | None:
        for flow in self.flows:
            if flow.source == source and flow.destination == destination and purpose in flow.purposes:
                return flow
        return None


def _unique(section: str, ids: list[str]) -> None:
    first: dict[str, int] = {}
    for index, item_id in enumerate(ids):
        if item_id in first:
            raise ValueError(
                f"{section}.{index}.id: duplicate id {item_id!r} (first at {section}.{first[item_id]})"
            )
        first[item_id] = index


def _check_signing(org_id: str, org: Organisation) -> None:
    """An organisation's signing: Ed25519 with valid public keys under its own key ids, HMAC with none."""
    at = f"organisations.{org_id}"
    if org.signing is not None and ":" in org_id:
        raise ValueError(
            f"{at}.signing: the id of an organisation that signs has no ':' (key ids are ORG:LABEL)"
        )
    if org.signing == "ed25519" and not org.public_keys:
        raise ValueError(f"{at}.public_keys: signing ed25519 needs at least one public key")
    if org.signing != "ed25519" and org.public_keys:
        raise ValueError(f"{at}.public_keys: only an organisation with signing: ed25519 lists public keys")
    for key_id, text in org.public_keys.items():
        owner, colon, label = key_id.partition(":")
        if owner != org_id or (colon and not label):
            raise ValueError(f"{at}.public_keys.{key_id}: a key id is {org_id} or {org_id}:LABEL")
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32 or not _is_ed25519_point(raw):
            raise ValueError(
                f"{at}.public_keys.{key_id}: not an Ed25519 public key (base64 of its 32 raw bytes, as"
                " `customs keys flow-new --ed25519` prints it)"
            )


def _is_ed25519_point(raw: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        return False
    return True


_REFERENCE_NAMES = {
    ContractKind.GBA_STANDARD_CONTRACT: "its filing reference (the number the filing was given)",
    ContractKind.GBA_STANDARD_CONTRACT_MACAU: "its filing reference (the number the filing was given)",
    ContractKind.CERTIFICATION: "the certificate number as filing_reference",
    ContractKind.SECURITY_ASSESSMENT: "the assessment's approval number as filing_reference",
}


def _check_legal_basis(index: int, flow: Flow, organisations: dict[str, Organisation]) -> None:
    """A flow's contract: dates in order, a reference for a legal basis, the version that fits where
    the parties are, and a legal basis whenever personal information leaves the mainland."""
    at = f"flows.{index}.contract"
    contract = flow.contract
    if contract.in_force_until is not None and contract.in_force_until < contract.in_force_from:
        raise ValueError(
            f"{at}.in_force_until: {contract.in_force_until} is before in_force_from {contract.in_force_from}"
        )
    if contract.kind is ContractKind.EXEMPTION and contract.exemption is None:
        cases = ", ".join(e.value for e in Exemption)
        raise ValueError(f"{at}.exemption: kind exemption needs the case it relies on ({cases})")
    if contract.kind is not ContractKind.EXEMPTION and contract.exemption is not None:
        raise ValueError(f"{at}.exemption: only a contract of kind exemption names an exemption")
    if contract.exemption is Exemption.SMALL_VOLUME:
        sensitive = sorted(set(flow.categories) & SENSITIVE_CATEGORIES)
        if sensitive:
            raise ValueError(
                f"{at}.exemption: small_volume does not cover sensitive personal information "
                f"({', '.join(sensitive)})"
            )
    needs = _REFERENCE_NAMES.get(contract.kind)
    if needs and not (contract.filing_reference or "").strip():
        raise ValueError(f"{at}.filing_reference: a {contract.kind.value} needs {needs}")
    parties = {"source": organisations[flow.source], "destination": organisations[flow.destination]}
    if contract.kind in GBA_CONTRACTS:
        for role, org in parties.items():
            if org.jurisdiction not in GBA:
                raise ValueError(
                    f"flows.{index}.{role}: {getattr(flow, role)} is {org.jurisdiction.value}, outside the "
                    f"Greater Bay Area, which a {contract.kind.value} cannot cover (use certification or "
                    "security_assessment)"
                )
        wrong = kind_mismatch(
            contract.kind, (parties["source"].jurisdiction, parties["destination"].jurisdiction)
        )
        if wrong is not None:
            role = "source" if parties["source"].jurisdiction is wrong else "destination"
            raise ValueError(
                f"{at}.kind: {contract.kind.value} does not cover the {role} {getattr(flow, role)} in "
                f"{wrong.value}; a party there needs {GBA_CONTRACT_FOR[wrong].value}"
            )
    personal = sorted(set(flow.categories) & PERSONAL_CATEGORIES)
    crossing = crosses_boundary(parties["source"].jurisdiction, parties["destination"].jurisdiction)
    if crossing and personal and contract.kind is ContractKind.NONE:
        route = f"{parties['source'].jurisdiction.value} -> {parties['destination'].jurisdiction.value}"
        bases = ", ".join(k.value for k in ContractKind if k in LEGAL_BASES)
        raise ValueError(
            f"{at}.kind: personal information ({', '.join(personal)}) leaves the mainland ({route}) with no "
            f"legal basis, and masking is not one: use one of {bases}, with its reference"
        )


# Limits on a policy document's shape: far beyond any real policy, far below what exhausts the stack
# (deep nesting) or time and memory (aliases that expand to millions of values, "billion laughs").
MAX_DEPTH = 64
MAX_NODES = 100_000
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Refused(Exception):
    """A document the loader will not build: where (line, field path) and why."""

    def __init__(self, mark: Any, path: list[str], message: str) -> None:  # mark: a yaml Mark or None
        super().__init__(message)
        self.line = mark.line + 1 if mark is not None else 1
        shown = [*path[:6], "..."] if len(path) > 7 else path
        self.field = ".".join(shown) or "(top level)"
        self.message = message


class _PolicyLoader(yaml.SafeLoader):
    """YAML without implicit timestamps (dates stay text, so pydantic validates them, with a line),
    composed within limits: nesting depth, values counted with aliases expanded, no alias inside its
    own anchor, no duplicate key, no lone surrogate in a string."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._path: list[str] = []
        self._nodes = 0
        self._depth = 0
        self._deepest = 0  # the deepest level reached inside the node being composed
        self._open_anchors: set[str] = set()
        self._anchors_seen: dict[str, tuple[int, int]] = {}  # anchor: (values, levels below it)

    def _reach(self, depth: int, mark: Any) -> None:
        self._deepest = max(self._deepest, depth)
        if depth > MAX_DEPTH:
            raise _Refused(mark, self._path, f"nested more than {MAX_DEPTH} levels deep")

    def _count(self, nodes: int, mark: Any) -> None:
        self._nodes += nodes
        if self._nodes > MAX_NODES:
            raise _Refused(mark, self._path, f"more than {MAX_NODES:,} values (aliases counted expanded)")

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        # A mapping's value is composed with its key node as index, a list item with its position;
        # a key itself with None (it adds no part to the field path, but a level all the same).
        part = index.value if isinstance(index, yaml.ScalarNode) else index
        if part is not None:
            self._path.append(str(part))
        if isinstance(event, yaml.AliasEvent):  # counted as if written out in full
            anchor = str(event.anchor)
            if anchor in self._open_anchors:
                raise _Refused(event.start_mark, self._path, f"alias *{anchor} is inside its own anchor")
            size, height = self._anchors_seen.get(anchor, (0, 0))
            self._count(size, event.start_mark)
            self._reach(self._depth + 1 + height, event.start_mark)
            if part is not None:
                self._path.pop()
            return super().compose_node(parent, index)
        self._depth += 1
        self._reach(self._depth, event.start_mark)
        self._count(1, event.start_mark)
        nodes_before, deepest_before, depth = self._nodes, self._deepest, self._depth
        self._deepest = depth
        own_anchor: str | None = getattr(event, "anchor", None)
        if own_anchor is not None:
            self._open_anchors.add(own_anchor)
        node = super().compose_node(parent, index)
        if own_anchor is not None:
            self._open_anchors.discard(own_anchor)
            self._anchors_seen[own_anchor] = (self._nodes - nodes_before + 1, self._deepest - depth)
        self._deepest = max(self._deepest, deepest_before)
        self._depth -= 1
        if part is not None:
            self._path.pop()
        return node

    def compose_scalar_node(self, anchor: Any) -> yaml.ScalarNode:
        node = super().compose_scalar_node(anchor)
        if _SURROGATE.search(node.value):
            raise _Refused(node.start_mark, self._path, "a lone surrogate (\\ud800-\\udfff) is not text")
        return node

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
        node = super().compose_mapping_node(anchor)
        seen: dict[tuple[str, str], int] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE_TAG:
                continue  # explicit keys may still override merged ones (<<)
            identity = (key.tag, key.value)
            if identity in seen:
                message = f"duplicate key {key.value!r} (first at line {seen[identity]})"
                raise _Refused(key.start_mark, [*self._path, key.value], message)
            seen[identity] = key.start_mark.line + 1
        return node


_PolicyLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The line of the YAML node at ``loc``: a mapping entry's key line, a list item's own line."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            entry = next(((k, v) for k, v in node.value if k.value == str(part)), None)
            if entry is None:
                break
            line = entry[0].start_mark.line + 1
            node = entry[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _compose_and_construct(text: str) -> tuple[yaml.Node | None, Any]:
    """One pass over ``text``: the node tree (for lines in errors) and the data built from it."""
    loader = _PolicyLoader(text)  # the reader checks every character here
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def parse_policy(text: bytes, source: str) -> Policy:
    """Validate policy ``text``; ``source`` names it in errors. Raises ``PolicyError``."""
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        at = text.count(b"\n", 0, exc.start) + 1
        raise PolicyError(f"{source}:{at}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        root, data = _compose_and_construct(decoded)
    except _Refused as exc:
        raise PolicyError(f"{source}:{exc.line}: field {exc.field}: {exc.message}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (controls, U+FFFE, ...)
        at = decoded.count("\n", 0, exc.position) + 1
        raise PolicyError(
            f"{source}:{at}: YAML syntax error: character U+{exc.character:04X} is not allowed in YAML"
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        raise PolicyError(f"{where}: YAML syntax error: {exc.problem}") from None
    except yaml.YAMLError as exc:  # any other loader error: still a refusal, never a crash
        raise PolicyError(f"{source}: YAML error: {type(exc).__name__}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"{source}:1: a policy is a mapping with at least 'name'")
    version = "sha256:" + hashlib.sha256(text).hexdigest()[:16]
    try:
        return Policy.model_validate({**data, "version": version})
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        prefixes = ("flows.", "rules.", "review_threshold", "tuning.", "organisations.")
        if message.startswith(prefixes) and ": " in message:
            field, message = message.split(": ", 1)
            loc = tuple(int(p) if p.isdigit() else p for p in field.split("."))
        field_name = ".".join(str(p) for p in loc) or "(top level)"
        line = _line_of(root, loc)
        more = f" (and {len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
        raise PolicyError(f"{source}:{line}: field {field_name}: {message}{more}") from None


def load_policy(file_or_preset: str | Path) -> Policy:
    """Load a policy file, or one of the shipped presets by name."""
    if str(file_or_preset) in PRESETS:
        name = f"{file_or_preset}.yaml"
        text = resources.files("rules.presets").joinpath(name).read_bytes()
        return parse_policy(text, f"preset {file_or_preset}")
    path = Path(file_or_preset)
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read policy ({exc.strerror})") from None
    return parse_policy(text, str(path))
