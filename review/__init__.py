"""The quarantine review service: held records, four-eyes release, reject, audit trail, web UI and JSON API.

``customs review`` runs it: an ingest that copies the quarantine topic into the review store (payloads
encrypted at rest), a transactional release producer, and a FastAPI app with server-rendered pages.
"""
