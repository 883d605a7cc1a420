"""Errors, wrapped at the source so no raw client exception (headers, tokens) ever reaches the user."""

from __future__ import annotations

from .model import ExitStatus


class AksDoctorError(Exception):
    """Base of every error aksdoctor raises on purpose."""

    exit_status = ExitStatus.UNREACHABLE

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(AksDoctorError):
    """Bad flags, an unknown runbook, a target that does not exist (exit 2)."""

    exit_status = ExitStatus.USAGE


class TargetNotFound(UsageError):
    """The object named on the command line does not exist; carries the closest existing names."""

    def __init__(self, message: str, *, suggestions: list[str] | None = None, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.suggestions = list(suggestions or [])


class SourceUnavailable(AksDoctorError):
    """The cluster cannot be reached or the bundle cannot be read (exit 4)."""

    exit_status = ExitStatus.UNREACHABLE


class BundleError(SourceUnavailable):
    """A bundle file is malformed; names the file and, where known, the line."""


class RunbookError(AksDoctorError):
    """A runbook file is invalid: names the file, the node and the reason."""

    exit_status = ExitStatus.USAGE


class DataUnavailable(AksDoctorError):
    """Evidence a probe needs could not be read: the probe is skipped and says what and how to grant it."""

    def __init__(self, what: str, *, reason: str, grant: str = "") -> None:
        super().__init__(f"{what}: {reason}", hint=grant)
        self.what = what
        self.reason = reason
        self.grant = grant


class Forbidden(DataUnavailable):
    """The caller lacks a permission (Kubernetes RBAC 403 or Azure AuthorizationFailed)."""


class NotCaptured(DataUnavailable):
    """The bundle does not hold this evidence (which is not the same as: it does not exist)."""


class ApiError(DataUnavailable):
    """The API answered with an error that is neither 403 nor 404."""


class AzureNotConfigured(DataUnavailable):
    """No Azure credentials or no way to find the cluster's Azure resource."""


class NotFound(AksDoctorError):
    """The API says the object does not exist (404): a fact, not missing data."""

    def __init__(self, what: str, *, kind: str = "", name: str = "") -> None:
        super().__init__(f"{what} not found")
        self.what = what
        self.kind = kind
        self.name = name


__all__ = [
    "AksDoctorError",
    "ApiError",
    "AzureNotConfigured",
    "BundleError",
    "DataUnavailable",
    "Forbidden",
    "NotCaptured",
    "NotFound",
    "RunbookError",
    "SourceUnavailable",
    "TargetNotFound",
    "UsageError",
]
