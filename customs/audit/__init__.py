"""The tamper-evident audit trail: hash chains, signed checkpoints, verification and proofs (pure; no Kafka).

- ``chain``: the canonical encoding of an event, its hash, and ``Chainer`` which links events of one chain.
- ``signing``: the Ed25519 checkpoint key (made on first use) and checkpoint signatures.
- ``cadence``: when a checkpoint is due, with a batch or on its own after a quiet spell.
- ``verify``: check an export (chains and signatures) naming the first broken link; prove that a record a
  recipient holds is in the trail under a signed checkpoint.
- ``subjects``: keyed digests of the identifiers in a record, for data-subject requests.

The stream engines (``streams/``) and the review service (``review/``) do the I/O.
"""
