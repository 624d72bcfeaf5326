"""One exception hierarchy for the whole project.

Every error carries what went wrong and how to fix it. Only ``tfscout.cli`` turns them into exit codes.
"""

from __future__ import annotations


class TfscoutError(Exception):
    """Base class: ``message`` says what went wrong, ``fix`` how to get past it."""

    exit_code = 2

    def __init__(self, message: str, fix: str = "", path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.path = path

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.message, self.fix, self.path))

    def one_line(self) -> str:
        where = f"{self.path}: " if self.path else ""
        text = f"{where}{self.message}"
        if self.fix:
            text += f" ({self.fix})"
        return " ".join(text.split())


class UsageError(TfscoutError):
    """The command line asked for something that cannot be done as asked."""


class ModelLoadError(TfscoutError):
    """The file or directory given is not a model we can read."""


class UnknownNameError(UsageError):
    """A node or tensor name given by the user is not in the graph."""


class MissingDependencyError(TfscoutError):
    """An optional part of tfscout needs a package that is not installed."""


class ModelProblem(TfscoutError):
    """The model has a problem the report explains (unsupported op, verification mismatch)."""

    exit_code = 1


class UnsafeModelError(ModelProblem):
    """Running the model as asked would run ops not known to be safe (see ``docs/SECURITY.md``)."""


class UnsureOutputs(ModelProblem):
    """No outputs were given and the recommended ones are a guess: convert stops instead of verifying it."""


class RunnerError(TfscoutError):
    """Something we ran on the user's behalf crashed, hung or was stopped."""

    exit_code = 1


def require(module: str, extra: str) -> None:
    """Raise MissingDependencyError naming the install command when ``module`` cannot be imported."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise MissingDependencyError(
            f"this command needs the Python package '{module}', which is not installed",
            f"install it with: pip install 'tfscout[{extra}]'",
        )
