"""The exception hierarchy: every error a user can cause, as data.

Each error class declares the fields that describe the problem (the op, the
input, the path, what was expected and what was given) and composes its
message from them in one place, ``_compose``. Raise sites pass fields, not
sentences, so messages stay consistent and tools can read the fields.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

__all__ = [
    "DagwrightError",
    "InvalidDefinitionError",
    "UnknownInputError",
    "DuplicateNodeError",
    "DependencyCycleError",
    "UnsatisfiedInputError",
    "InvalidNameError",
    "InvalidTagError",
    "ResourceCycleError",
    "MissingResourceError",
    "InvalidInvocationError",
    "RunAlreadyExistsError",
    "UnknownResourceError",
    "InvalidSubsetError",
    "UnknownAssetKeyError",
    "AssetSelectionSyntaxError",
    "InvariantViolationError",
    "UnknownNodeError",
    "RunConfigError",
    "ConfigProblem",
    "InstanceConfigError",
    "UserCodeError",
    "StepExecutionError",
    "TypeCheckError",
    "InvalidOutputError",
    "InvalidMetadataError",
    "InvalidAssetKeyError",
    "OutputMetadataError",
    "StorageError",
    "JobPointerError",
    "did_you_mean",
    "PartitionMappingError",
]


def did_you_mean(given: str, choices: Iterable[str]) -> str:
    """A ``" Did you mean 'x'?"`` suffix for ``given`` among ``choices``, or ``""``."""
    import difflib

    options = list(choices)
    for option in options:
        if option.lower() == given.lower():  # the same name in another case
            return f" Did you mean '{option}'?"
    matches = difflib.get_close_matches(given, options, n=1, cutoff=0.6)
    return f" Did you mean '{matches[0]}'?" if matches else ""


def _names(names: Iterable[str]) -> str:
    listed = sorted(names)
    return ", ".join(f"'{n}'" for n in listed) if listed else "(none)"


def _restore(cls: type[DagwrightError], args: tuple[Any, ...], fields: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(fields)
    return error


class DagwrightError(Exception):
    """Base class of every error dagwright raises because of something a user did."""

    def __init__(self, message: str | None = None, **fields: Any) -> None:
        self.__dict__.update(fields)
        super().__init__(self._compose() if message is None else message)

    def _compose(self) -> str:
        return type(self).__name__

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors cross process boundaries (worker processes, code servers);
        # rebuild them from their fields rather than from __init__ arguments.
        return (_restore, (type(self), self.args, dict(self.__dict__)))


def _problem_text(where: str | None, problem: str, fix: str | None) -> str:
    text = f"{where}: {problem}" if where else problem
    return f"{text}\n  Fix: {fix}" if fix else text


# --------------------------------------------------------------------------
# Definition time


class InvalidDefinitionError(DagwrightError):
    """A definition (op, graph, job, type, ...) is malformed; raised when it is built.

    ``where`` names the definition (``op 'add_one'``, ``graph 'do_stuff'``),
    ``problem`` says what is wrong and ``fix`` what would be right.
    """

    problem: str
    where: str | None
    fix: str | None

    def __init__(
        self, problem: str, *, where: str | None = None, fix: str | None = None, **fields: Any
    ) -> None:
        super().__init__(problem=problem, where=where, fix=fix, **fields)

    def _compose(self) -> str:
        return _problem_text(self.where, self.problem, self.fix)


class UnknownInputError(InvalidDefinitionError):
    """A dependency or invocation names an input the op or graph does not have."""

    graph: str
    node: str
    input_name: str
    known: tuple[str, ...]

    def __init__(
        self,
        *,
        graph: str,
        node: str,
        input_name: str,
        known: Sequence[str],
        kind: str = "graph",
    ) -> None:
        super().__init__(
            f"node '{node}' has no input named '{input_name}'.{did_you_mean(input_name, known)}",
            where=f"{kind} '{graph}'",
            fix=f"use one of the inputs of '{node}': {_names(known)}.",
            graph=graph,
            node=node,
            input_name=input_name,
            known=tuple(known),
        )


class DuplicateNodeError(InvalidDefinitionError):
    """Two nodes of one graph would share a name."""

    graph: str
    name: str

    def __init__(self, *, graph: str, name: str, kind: str = "graph") -> None:
        super().__init__(
            f"two nodes are named '{name}'.",
            where=f"{kind} '{graph}'",
            fix=f'give one of them another name with .alias("{name}_2"), '
            "or NodeInvocation(name, alias=...) in the dependencies dict.",
            graph=graph,
            name=name,
        )


class DependencyCycleError(InvalidDefinitionError):
    """The dependencies of a graph form a cycle."""

    graph: str
    cycle: tuple[str, ...]

    def __init__(self, *, graph: str, cycle: Sequence[str]) -> None:
        super().__init__(
            "its dependencies form a cycle: " + " -> ".join(cycle) + ".",
            where=f"graph '{graph}'",
            fix="remove one of these dependencies; a graph must be acyclic.",
            graph=graph,
            cycle=tuple(cycle),
        )


class UnsatisfiedInputError(InvalidDefinitionError):
    """An input has no upstream output, no default value and no other source."""

    container: str
    node: str
    input_name: str
    type_name: str

    def __init__(self, *, container: str, node: str, input_name: str, type_name: str) -> None:
        super().__init__(
            f"input '{input_name}' of '{node}' (type {type_name}) has no source: no upstream "
            "output feeds it, it has no default value, and values of its type cannot be "
            "given in run config.",
            where=container,
            fix=f"pass an upstream output to '{node}', or declare "
            f"ins={{'{input_name}': In(default_value=...)}}, or feed it from a graph input "
            "given by input_values=...",
            container=container,
            node=node,
            input_name=input_name,
            type_name=type_name,
        )


class InvalidNameError(InvalidDefinitionError):
    """A name (of an op, graph, job, input or output) has characters dagwright cannot use."""

    kind: str
    name: object

    def __init__(self, *, kind: str, name: object, where: str | None = None) -> None:
        super().__init__(
            f"{kind} name {name!r} is not valid: names may only contain letters, digits "
            "and underscores.",
            where=where,
            fix=f"rename it, e.g. {_sanitize(name)!r}.",
            kind=kind,
            name=name,
        )


def _sanitize(name: object) -> str:
    text = "".join(c if c.isalnum() or c == "_" else "_" for c in str(name))
    return text or "unnamed"


class InvalidTagError(InvalidDefinitionError):
    """A tag (of a job, an op, a node or a run) breaks the tag rules.

    ``reason`` says which rule: ``not_a_mapping``, ``key_not_str``,
    ``key_format``, ``reserved``, ``value_not_json``, ``value_too_long`` or
    ``system_value`` (a value a ``dagwright/`` tag cannot take, described by
    ``expected``). ``key`` and ``value`` are what was given. The rules are
    written down in docs/jobs.md ("Tags").
    """

    key: object
    value: object
    reason: str
    expected: str | None

    def __init__(
        self,
        *,
        reason: str,
        where: str | None = None,
        key: object = None,
        value: object = None,
        expected: str | None = None,
        settable: Sequence[str] = (),
        max_value_length: int = 0,
    ) -> None:
        problem, fix = _tag_problem(reason, key, value, expected, settable, max_value_length)
        super().__init__(
            problem, where=where, fix=fix, key=key, value=value, reason=reason, expected=expected
        )


def _tag_problem(
    reason: str,
    key: object,
    value: object,
    expected: str | None,
    settable: Sequence[str],
    max_value_length: int,
) -> tuple[str, str]:
    if reason == "not_a_mapping":
        return (
            f"tags must be a dict of str to str, got {type(value).__name__}.",
            "pass tags={'team': 'data'}.",
        )
    if reason == "key_not_str":
        return (
            f"tag key {key!r} is a {type(key).__name__}, not a string.",
            "use string keys, e.g. tags={'team': 'data'}.",
        )
    if reason == "key_format":
        return (
            f"tag key {key!r} is not valid: a key is a name, optionally after a prefix and "
            "'/', each 1 to 63 letters, digits, '-', '_' or '.'.",
            f"use a key like {_tag_key_like(key)!r}.",
        )
    if reason == "reserved":
        allowed = ", ".join(f"'{k}'" for k in settable) or "(none)"
        name = str(key).split("/", 1)[-1]
        return (
            f"tag key {key!r} uses the prefix 'dagwright/', which is reserved for the tags "
            "dagwright sets itself.",
            f"use another prefix, e.g. 'myteam/{name}'. The 'dagwright/' tags users may set "
            f"are {allowed}.",
        )
    if reason == "value_not_json":
        return (
            f"the value of tag {key!r} is a {type(value).__name__}, which is not a string and "
            "cannot be written as JSON.",
            "give a string, or a JSON value (a number, a bool, None, or lists and dicts of "
            "those), which is stored JSON-encoded.",
        )
    if reason == "value_too_long":
        return (
            f"the value of tag {key!r} has {len(str(value))} characters; a tag value has at "
            f"most {max_value_length}.",
            "shorten it, or put large values in metadata=... instead of tags.",
        )
    if reason == "system_value":
        return (
            f"the value of tag {key!r} must be {expected}, got {value!r}.",
            f"give {expected}, as a string.",
        )
    raise ValueError(f"unknown tag error reason {reason!r}")


def _tag_key_like(key: object) -> str:
    def segment(text: str) -> str:
        cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in text)
        return cleaned[:63] or "name"

    prefix, _, name = str(key).rpartition("/")
    return f"{segment(prefix)}/{segment(name)}" if prefix else segment(name)


class ResourceCycleError(InvalidDefinitionError):
    """The resources of a job require each other in a cycle (or one requires itself)."""

    cycle: tuple[str, ...]

    def __init__(self, *, cycle: Sequence[str], where: str | None = None) -> None:
        first, second = cycle[0], cycle[1]
        super().__init__(
            "its resources require each other in a cycle: "
            + " -> ".join(f"'{key}'" for key in cycle)
            + ".",
            where=where,
            fix=(
                f"resource '{first}' cannot require itself: remove '{first}' from its "
                "required_resource_keys."
                if first == second
                else f"remove '{second}' from the required_resource_keys of resource "
                f"'{first}' (or break the cycle at another resource); a resource can only "
                "use resources built before it."
            ),
            cycle=tuple(cycle),
        )


class MissingResourceError(InvalidDefinitionError):
    """An op, hook or resource of a job requires a resource key the job does not provide.

    ``required_by`` names the user (``op 'load'``, ``hook 'alert'``,
    ``resource 'db'``), ``key`` the missing key, ``known`` the keys the job has.
    """

    required_by: str
    key: str
    known: tuple[str, ...]

    def __init__(
        self,
        *,
        required_by: str,
        key: str,
        known: Sequence[str],
        where: str | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(
            f"{required_by} requires resource '{key}', which the job does not provide."
            f"{did_you_mean(key, known)}",
            where=where,
            fix=fix
            or f"pass resource_defs={{'{key}': ...}} to @job or to_job() (the job has: "
            f"{_names(known)}).",
            required_by=required_by,
            key=key,
            known=tuple(sorted(known)),
        )


class InvalidSubsetError(DagwrightError):
    """An op, step or asset selection names something the job does not contain.

    ``unknown`` is the name (or clause) that matched nothing, ``known`` the
    names that would have; ``container`` is the nested graph searched (None
    for the job itself). ``not_a_graph`` is set when a dotted clause reaches
    into an op; ``bad_clause`` when the clause is not of the selection syntax.
    ``kind`` is what the selection chooses: ``"node"`` (op selection) or
    ``"step"`` (the step selection of a re-execution).
    """

    job: str
    query: str
    unknown: str
    known: tuple[str, ...]
    container: str | None
    not_a_graph: str | None
    bad_clause: bool
    kind: str

    def __init__(
        self,
        *,
        job: str,
        query: str,
        unknown: str,
        known: Sequence[str],
        container: str | None = None,
        not_a_graph: str | None = None,
        bad_clause: bool = False,
        kind: str = "node",
    ) -> None:
        super().__init__(
            job=job,
            query=query,
            unknown=unknown,
            known=tuple(known),
            container=container,
            not_a_graph=not_a_graph,
            bad_clause=bad_clause,
            kind=kind,
        )

    def _compose(self) -> str:
        head = f"job '{self.job}': the {'step ' if self.kind == 'step' else ''}selection "
        head += repr(self.query)
        if self.bad_clause and self.kind == "step":
            return (
                f"{head} has the clause {self.unknown!r}, which is not a step selection.\n"
                "  Fix: write clauses like 'op', 'graph.op', 'op[mapping_key]' (one step of a "
                "mapped op), '*op' (with everything upstream), 'op+' (and one level downstream)."
            )
        if self.bad_clause:
            return (
                f"{head} has the clause {self.unknown!r}, which is not a selection.\n"
                "  Fix: write clauses like 'op', '*op' (with its upstream), 'op+' (and one "
                "level downstream), 'graph.op', or '*' for everything."
            )
        if self.not_a_graph:
            return (
                f"{head} reaches into '{self.not_a_graph}' with {self.unknown!r}, but "
                f"'{self.not_a_graph}' is an op, not a graph.\n"
                "  Fix: select the op itself, or a nested graph's op as 'graph.op'."
            )
        where = self.container or "the job"
        return (
            f"{head} names '{self.unknown}', which is not a {self.kind} of {where}."
            f"{did_you_mean(self.unknown, self.known)}\n"
            f"  {self.kind.capitalize()}s: {_names(self.known)}."
        )


class UnknownAssetKeyError(InvalidDefinitionError, InvalidSubsetError):
    """An asset selection names asset keys that none of the definitions holds.

    ``missing`` are the user strings of the keys not found, ``known`` those of
    the keys there are, ``selection`` the selection (as text). It is both an
    :class:`InvalidDefinitionError` and, as in Dagster, an
    :class:`InvalidSubsetError` (``kind`` ``"asset"``, ``unknown`` the first
    missing key).
    """

    missing: tuple[str, ...]
    selection: str

    def __init__(
        self,
        *,
        missing: Sequence[str],
        known: Iterable[str],
        selection: str,
        where: str | None = None,
    ) -> None:
        known = tuple(sorted(known))
        missing = tuple(sorted(missing))
        listed = ", ".join(f"'{m}'" for m in missing)
        hint = did_you_mean(missing[0], known) if len(missing) == 1 else ""
        noun = "asset" if len(missing) == 1 else "assets"
        shown = ", ".join(f"'{k}'" for k in known[:_SHOWN_KEYS]) or "(none)"
        if len(known) > _SHOWN_KEYS:
            shown += f" and {len(known) - _SHOWN_KEYS} more"
        DagwrightError.__init__(
            self,
            problem=f"the asset selection {selection} names {noun} {listed}, which none of "
            f"the definitions makes.{hint}",
            where=where,
            fix=f"select assets that exist (assets: {shown}), or add the definitions that make "
            f"{listed} to the assets the selection is resolved against.",
            missing=missing,
            selection=selection,
            job=where,
            query=selection,
            unknown=missing[0],
            known=known,
            container=None,
            not_a_graph=None,
            bad_clause=False,
            kind="asset",
        )

    def _compose(self) -> str:
        return _problem_text(self.where, self.problem, self.fix)


_SHOWN_KEYS = 8
"""How many existing asset keys an :class:`UnknownAssetKeyError` lists."""


class AssetSelectionSyntaxError(InvalidDefinitionError):
    """An asset selection string is not of the selection syntax.

    ``text`` is the string, ``position`` the index where parsing stopped,
    ``expected`` what would have been accepted there and ``found`` what
    was there instead (``"the end"`` past the last character).
    """

    text: str
    position: int
    expected: str
    found: str

    def __init__(self, *, text: str, position: int, expected: str, found: str) -> None:
        DagwrightError.__init__(
            self,
            text=text,
            position=position,
            expected=expected,
            found=found,
            where=None,
            problem=f"expected {expected} at column {position + 1}, found {found}.",
            fix=SELECTION_SYNTAX_HINT,
        )

    def _compose(self) -> str:
        caret = " " * self.position + "^"
        return (
            f"asset selection {self.text!r}: {self.problem}\n"
            f"    {self.text}\n    {caret}\n  Fix: {self.fix}"
        )


SELECTION_SYNTAX_HINT = (
    "write 'asset' or 'prefix/asset' (a key), '*asset' (and all its upstream), 'asset+' "
    "(and its children; '++' two levels), 'key:a/b', 'group:g', 'tag:k=v', 'kind:k', "
    "'owner:o', '+key:a+' (all upstream and downstream; '2+key:a' two levels), "
    "'sinks(...)', 'roots(...)', '*' for all, joined by 'and', 'or', 'not' and parentheses."
)


# --------------------------------------------------------------------------
# Calling definitions and reading results


class RunAlreadyExistsError(DagwrightError):
    """A run was launched with the id of a run the instance already has."""

    run_id: str

    def __init__(self, *, run_id: str) -> None:
        super().__init__(run_id=run_id)

    def _compose(self) -> str:
        return (
            f"the instance already has a run with id '{self.run_id}'.\n"
            "  Fix: leave run_id out (a new id is made), or use a new one."
        )


class ReexecutionError(DagwrightError):
    """A run cannot be re-executed as asked.

    ``run_id`` is the run to re-execute from; ``status`` its status (None when
    the instance has no such run); ``problem`` says what stands in the way and
    ``fix`` what would work.
    """

    run_id: str
    status: str | None
    problem: str
    fix: str

    def __init__(self, *, run_id: str, status: str | None, problem: str, fix: str) -> None:
        super().__init__(run_id=run_id, status=status, problem=problem, fix=fix)

    def _compose(self) -> str:
        status = f" (status {self.status})" if self.status is not None else ""
        return f"cannot re-execute run '{self.run_id}'{status}: {self.problem}.\n  Fix: {self.fix}"


class InvalidInvocationError(DagwrightError):
    """A definition was called the wrong way (an op called with arguments it does not take)."""

    problem: str
    where: str | None
    fix: str | None

    def __init__(self, problem: str, *, where: str | None = None, fix: str | None = None) -> None:
        super().__init__(problem=problem, where=where, fix=fix)

    def _compose(self) -> str:
        return _problem_text(self.where, self.problem, self.fix)


class UnknownResourceError(InvalidInvocationError, AttributeError):
    """Code asked a context for a resource it does not have (``hasattr`` sees False)."""


class InvariantViolationError(DagwrightError):
    """A request that contradicts the state of what was asked (an output never produced)."""

    problem: str

    def __init__(self, problem: str) -> None:
        super().__init__(problem=problem)

    def _compose(self) -> str:
        return self.problem


class UnknownNodeError(InvariantViolationError, KeyError):
    """A result or definition was asked for a node (op or graph) it does not contain."""

    container: str
    name: str
    known: tuple[str, ...]

    def __init__(self, *, container: str, name: str, known: Sequence[str]) -> None:
        DagwrightError.__init__(self, container=container, name=name, known=tuple(known))

    def _compose(self) -> str:
        return (
            f"{self.container} has no node '{self.name}'.{did_you_mean(self.name, self.known)}\n"
            f"  Nodes: {_names(self.known)}."
        )

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


# --------------------------------------------------------------------------
# Run config


class ConfigProblem:
    """One problem in config (run config or instance settings): where (a dotted path), what
    is wrong, and how to fix it.

    ``reason`` classifies it (Dagster's names): ``MISSING_REQUIRED_FIELD``,
    ``FIELD_NOT_DEFINED``, ``RUNTIME_TYPE_MISMATCH``, ``SELECTOR_FIELD_ERROR``,
    ``FAILED_POST_PROCESSING`` (an unset environment variable) or
    ``CONFIG_MAPPING_ERROR``; instance settings add ``INVALID_VALUE`` (a value of the
    right type outside its range, or settings that contradict each other) and
    ``INVALID_YAML`` (the file cannot be read as YAML).
    """

    __slots__ = ("fix", "path", "problem", "reason")

    def __init__(
        self,
        path: str,
        problem: str,
        fix: str | None = None,
        reason: str = "RUNTIME_TYPE_MISMATCH",
    ) -> None:
        self.path = path
        self.problem = problem
        self.fix = fix
        self.reason = reason

    @property
    def message(self) -> str:
        return str(self)

    def __repr__(self) -> str:
        return f"ConfigProblem({self.path!r}, {self.problem!r}, reason={self.reason!r})"

    def __str__(self) -> str:
        text = f"{self.path or '(root)'}: {self.problem}"
        return f"{text} {self.fix}" if self.fix else text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ConfigProblem) and (self.path, self.problem) == (
            other.path,
            other.problem,
        )

    def __hash__(self) -> int:
        return hash((self.path, self.problem))


class RunConfigError(DagwrightError):
    """The run config given for a job does not fit it; ``problems`` lists every problem.

    ``errors`` is the same list, under the name Dagster's error uses. Config
    checked outside a job (``build_op_context``'s resources, say) names
    what it is in ``subject`` and leaves ``job`` empty.
    """

    job: str
    problems: tuple[ConfigProblem, ...]
    source: str | None
    subject: str | None

    def __init__(
        self,
        *,
        job: str = "",
        problems: Sequence[ConfigProblem],
        source: str | None = None,
        subject: str | None = None,
    ) -> None:
        super().__init__(job=job, problems=tuple(problems), source=source, subject=subject)

    @property
    def errors(self) -> tuple[ConfigProblem, ...]:
        return self.problems

    def _compose(self) -> str:
        count = len(self.problems)
        where = f" ({self.source})" if self.source else ""
        subject = self.subject or f"Run config for job '{self.job}'"
        head = f"{subject}{where} has {count} problem{'s' if count != 1 else ''}:"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


# --------------------------------------------------------------------------
# Instance settings


class InstanceConfigError(DagwrightError):
    """The instance settings (``dagwright.yaml``) cannot be used; ``problems`` lists every one.

    ``file`` is the settings file (None for settings given as a mapping). Each
    problem carries the dotted path of the setting (``storage.postgres.host``;
    empty for the file as a whole). ``line`` is set when the file is not valid
    YAML: the line (counted from 1) where reading stopped.
    """

    file: str | None
    problems: tuple[ConfigProblem, ...]
    line: int | None

    def __init__(
        self,
        *,
        problems: Sequence[ConfigProblem],
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(file=file, problems=tuple(problems), line=line)

    def _compose(self) -> str:
        count = len(self.problems)
        plural = "s" if count != 1 else ""
        if self.file:
            head = f"The instance settings file '{self.file}' has {count} problem{plural}:"
            place = f"'{self.file}'"
        else:
            head = f"The instance settings have {count} problem{plural}:"
            place = "the settings"
        lines = [head]
        for problem in self.problems:
            text = f"{problem.path}: {problem.problem}" if problem.path else problem.problem
            lines.append(f"  - {text} {problem.fix}" if problem.fix else f"  - {text}")
        if self.line is not None:
            fix = f"correct the YAML at line {self.line} of {place} (indentation, colons, quotes)."
        else:
            fix = (
                f"correct {'it' if count == 1 else 'them'} in {place}; docs/instance.md lists "
                "every setting and its default."
            )
        lines.append(f"  Fix: {fix}")
        return "\n".join(lines)


# --------------------------------------------------------------------------
# Run time


class UserCodeError(DagwrightError):
    """User code outside an op's body (a logger, a config mapping...) raised.

    ``place`` names the code, ``user_exception`` is what it raised (also the
    ``__cause__``). A failing op does not raise this: the run records the
    failure, and ``execute_in_process`` re-raises the op's own exception.
    """

    place: str
    user_exception: BaseException

    def __init__(self, *, place: str, user_exception: BaseException) -> None:
        super().__init__(place=place, user_exception=user_exception)

    def _compose(self) -> str:
        exc = self.user_exception
        return f"{self.place} raised {type(exc).__name__}: {exc}"


class StepExecutionError(UserCodeError):
    """An op's compute function raised while its step ran (kept for Dagster's spelling,
    ``DagsterExecutionStepExecutionError``; dagwright re-raises the op's own exception)."""

    step_key: str
    op: str

    def __init__(self, *, step_key: str, op: str, user_exception: BaseException) -> None:
        DagwrightError.__init__(
            self,
            place=f"op '{op}' (step '{step_key}')",
            step_key=step_key,
            op=op,
            user_exception=user_exception,
        )


class TypeCheckError(DagwrightError):
    """A value failed the type check of the input or output it was given to."""

    op: str
    step_key: str
    kind: str
    name: str
    expected: str
    got: str
    value: str | None
    description: str | None
    metadata: dict[str, Any]

    def __init__(
        self,
        *,
        op: str,
        step_key: str,
        kind: str,
        name: str,
        expected: str,
        got: str,
        value: str | None = None,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            op=op,
            step_key=step_key,
            kind=kind,
            name=name,
            expected=expected,
            got=got,
            value=value,
            description=description,
            metadata=metadata or {},
        )

    def _compose(self) -> str:
        where = f"op '{self.op}'"
        if self.step_key != self.op:
            where += f" (step '{self.step_key}')"
        shown = f" {self.value}" if self.value else ""
        text = (
            f"{where}: {self.kind} '{self.name}' expected a value of type {self.expected} "
            f"but got {self.got}{shown}."
        )
        return f"{text} {self.description}" if self.description else text


class InvalidOutputError(DagwrightError):
    """An op returned or yielded outputs that do not match what it declared."""

    op: str
    problem: str
    fix: str | None

    def __init__(self, *, op: str, problem: str, fix: str | None = None) -> None:
        super().__init__(op=op, problem=problem, fix=fix)

    def _compose(self) -> str:
        return _problem_text(f"op '{self.op}'", self.problem, self.fix)


# --------------------------------------------------------------------------
# Metadata and asset keys


class InvalidMetadataError(DagwrightError):
    """A metadata value has no metadata form (or a metadata value was built from bad data).

    ``key`` is the metadata key when the value came in a metadata dict (None
    for a ``MetadataValue`` built directly); ``where`` names what carries the
    metadata (``job 'nightly'``, ``AssetMaterialization``); ``value_type`` is
    the type of the value given.
    """

    problem: str
    key: str | None
    where: str | None
    value_type: str | None
    fix: str | None

    def __init__(
        self,
        problem: str,
        *,
        key: str | None = None,
        where: str | None = None,
        value_type: str | None = None,
        fix: str | None = None,
    ) -> None:
        super().__init__(problem=problem, key=key, where=where, value_type=value_type, fix=fix)

    def _compose(self) -> str:
        subject = f"metadata '{self.key}'" if self.key is not None else None
        where = ", ".join(part for part in (self.where, subject) if part) or None
        return _problem_text(where, self.problem, self.fix)


class InvalidAssetKeyError(DagwrightError):
    """Something given as an asset key is not one; ``given`` is what was given."""

    given: object
    problem: str
    fix: str | None

    def __init__(self, *, given: object, problem: str, fix: str | None = None) -> None:
        super().__init__(given=given, problem=problem, fix=fix)

    def _compose(self) -> str:
        return _problem_text(f"asset key {self.given!r}", self.problem, self.fix)


class OutputMetadataError(InvariantViolationError):
    """``context.add_output_metadata`` was called in a way that names no output it can still
    describe: an unknown output, a second call for one output, or one already produced."""

    op: str
    output_name: str | None
    mapping_key: str | None
    problem: str
    fix: str | None

    def __init__(
        self,
        *,
        op: str,
        problem: str,
        output_name: str | None = None,
        mapping_key: str | None = None,
        fix: str | None = None,
    ) -> None:
        DagwrightError.__init__(
            self,
            op=op,
            output_name=output_name,
            mapping_key=mapping_key,
            problem=problem,
            fix=fix,
        )

    def _compose(self) -> str:
        return _problem_text(f"op '{self.op}'", self.problem, self.fix)


# --------------------------------------------------------------------------
# Storage


class StorageError(DagwrightError):
    """The instance's database cannot be used: unreachable, foreign, corrupt, too old or too new.

    ``target`` names the SQLite file or the PostgreSQL URL (password masked).
    """

    target: str
    problem: str
    fix: str

    def __init__(self, *, target: str, problem: str, fix: str) -> None:
        super().__init__(target=target, problem=problem, fix=fix)

    def _compose(self) -> str:
        return f"storage {self.target}: {self.problem}\n  Fix: {self.fix}"


class AssetNotLoadableError(DagwrightError):
    """A step reads an upstream asset the run does not make, from an IO manager that keeps
    values only in memory (so the asset's earlier materialization is nowhere to be read)."""

    asset: str
    step_key: str
    input_name: str
    manager_key: str

    def __init__(self, *, asset: str, step_key: str, input_name: str, manager_key: str) -> None:
        super().__init__(
            asset=asset, step_key=step_key, input_name=input_name, manager_key=manager_key
        )

    def _compose(self) -> str:
        return (
            f"input '{self.input_name}' of step '{self.step_key}' reads asset '{self.asset}', "
            f"which this run does not materialize, and IO manager '{self.manager_key}' keeps "
            "values in memory only, so no earlier materialization can be read.\n"
            "  Fix: select the upstream asset too, or run on a persistent instance (its default "
            "IO manager stores assets as files), or bind an IO manager that stores them."
        )


class PartitionMappingError(DagwrightError):
    """A partition mapping names upstream partitions that do not exist."""

    mapping: str
    missing: list[str]
    allow_flag: str | None
    upstream: str | None
    where: str | None

    def __init__(
        self,
        *,
        mapping: str,
        missing: list[str],
        allow_flag: str | None = None,
        upstream: str | None = None,
        where: str | None = None,
    ) -> None:
        super().__init__(
            mapping=mapping, missing=missing, allow_flag=allow_flag, upstream=upstream, where=where
        )

    def located(self, *, upstream: str, where: str) -> PartitionMappingError:
        """This error, naming the upstream asset and the input that read it."""
        return PartitionMappingError(
            mapping=self.mapping,
            missing=self.missing,
            allow_flag=self.allow_flag,
            upstream=upstream,
            where=where,
        )

    def _compose(self) -> str:
        of = f" of asset '{self.upstream}'" if self.upstream else ""
        shown = ", ".join(repr(k) for k in self.missing[:5])
        if len(self.missing) > 5:
            shown += f", ... ({len(self.missing)} in all)"
        fix = (
            f"materialize only partitions whose upstream partitions exist, or pass "
            f"{self.allow_flag} to leave the missing ones out."
            if self.allow_flag
            else "change the mapping, or the partition the run targets."
        )
        return _problem_text(
            self.where,
            f"{self.mapping} maps to upstream partitions{of} that do not exist: {shown}.",
            fix,
        )


class OutputNotPicklableError(DagwrightError):
    """An IO manager that pickles could not pickle an output's value."""

    output: str
    step_key: str
    type_name: str
    path: str
    error: str

    def __init__(
        self, *, output: str, step_key: str, type_name: str, path: str, error: str
    ) -> None:
        super().__init__(
            output=output, step_key=step_key, type_name=type_name, path=path, error=error
        )

    def _compose(self) -> str:
        return (
            f"output '{self.output}' of step '{self.step_key}' ({self.type_name}) cannot be "
            f"pickled to {self.path}: {self.error}.\n"
            "  Fix: return a value pickle can store (no locks, open files or connections), "
            "or give this output an IO manager that stores it its own way "
            "(Out(io_manager_key=...))."
        )


# --------------------------------------------------------------------------
# Job pointers


class JobPointerError(DagwrightError):
    """A job cannot be pointed at, or a pointer cannot rebuild its job.

    ``pointer`` names what was to be found: a pointer's description
    (``attribute 'nightly' of module 'jobs'``) or the job handed to
    ``reconstructable`` (``job 'nightly'``); ``problem`` says what stands in
    the way and ``fix`` what would work.
    """

    pointer: str
    problem: str
    fix: str

    def __init__(self, *, pointer: str, problem: str, fix: str) -> None:
        super().__init__(pointer=pointer, problem=problem, fix=fix)

    def _compose(self) -> str:
        return _problem_text(self.pointer, self.problem, self.fix)
