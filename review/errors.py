"""What the review service refuses, and why; the web pages and the JSON API map each to an HTTP status."""

from __future__ import annotations


class ReviewError(Exception):
    """Base of every refusal; the message is safe to show and to log (no held value)."""

    status = 400


class NotFound(ReviewError):
    status = 404


class Forbidden(ReviewError):
    status = 403


class Conflict(ReviewError):
    """The record or release is not in a state that allows this action."""

    status = 409


class Invalid(ReviewError):
    status = 422


class Unauthenticated(ReviewError):
    status = 401


class Unavailable(ReviewError):
    """Kafka could not be reached; nothing is lost, the action can be retried (or is recovered)."""

    status = 503
