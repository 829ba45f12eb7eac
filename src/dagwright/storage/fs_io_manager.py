"""IO managers that keep each output in a file: a path-based base class and the pickling one.

:class:`UPathIOManager` maps every output to a path under a base folder
(``<base>/<run id>/<step key>/<output name>``, plus the mapping key of a
dynamic output) and leaves the format to two methods, ``dump_to_path`` and
``load_from_path``. :class:`PickledObjectFilesystemIOManager` pickles;
:data:`fs_io_manager` binds it with its folder as config (default: the
instance's storage folder), so outputs survive the process that made them,
which runs spread over several processes need.
"""

from __future__ import annotations

import os
import pickle
from abc import abstractmethod
from pathlib import Path
from typing import Any

from ..config.types import Field, StringSource
from ..definitions.io_manager import IOManager, io_manager
from ..errors import OutputNotPicklableError
from ..metadata import MetadataValue

__all__ = ["UPathIOManager", "PickledObjectFilesystemIOManager", "fs_io_manager"]


class UPathIOManager(IOManager):
    """Base class for IO managers storing each output as a file under ``base_path``.

    Subclasses define ``dump_to_path`` and ``load_from_path``; ``extension``
    (like ``".csv"``) is appended to every path.
    """

    extension: str = ""

    def __init__(self, base_path: str | os.PathLike[str] | None = None) -> None:
        self._base_path = Path(base_path) if base_path is not None else Path.cwd()

    @property
    def base_path(self) -> Path:
        return self._base_path

    @abstractmethod
    def dump_to_path(self, context: Any, obj: Any, path: Path) -> None:
        """Write ``obj`` to ``path`` (its folder exists)."""

    @abstractmethod
    def load_from_path(self, context: Any, path: Path) -> Any:
        """Read back what :meth:`dump_to_path` wrote at ``path``."""

    def get_path(self, context: Any) -> Path:
        """The file of the output ``context`` (an OutputContext) describes: under the asset's
        key (and partition) for an asset, else under the run, step and output."""
        parts = context.get_asset_identifier() if getattr(context, "has_asset_key", False) else None
        path = self._base_path.joinpath(*(parts or context.get_identifier()))
        return path.with_name(path.name + self.extension) if self.extension else path

    def handle_output(self, context: Any, obj: Any) -> None:
        path = self.get_path(context)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.dump_to_path(context, obj, path)
        context.add_output_metadata({"path": MetadataValue.path(path)})

    def load_input(self, context: Any) -> Any:
        """The stored value the input reads. An input reading several partitions of an
        upstream asset gets a dict of them by partition key (in order); with
        ``allow_missing_partitions`` in the input's metadata, missing ones are left out."""
        upstream = context.upstream_output
        if upstream is None:
            raise ValueError(
                f"input '{context.name}' has no upstream output to load; "
                f"{type(self).__name__} loads only outputs it stored"
            )
        if getattr(context, "has_asset_partitions", False):
            return self._load_partitions(context)
        path = self.get_path(upstream)
        stored_asset = getattr(upstream, "has_asset_key", False) and upstream.step_key is None
        if not path.exists() and stored_asset:
            raise FileNotFoundError(
                f"no stored materialization of asset '{upstream.asset_key.to_user_string()}' "
                f"at {path}: materialize it first (or select it in this run)"
            )
        if not path.exists():
            raise FileNotFoundError(
                f"no stored output at {path}: the step that makes it "
                f"({upstream.step_key}) has not stored it under this base path"
            )
        context.add_input_metadata({"path": MetadataValue.path(path)})
        return self.load_from_path(context, path)

    def _load_partitions(self, context: Any) -> Any:
        keys = context.asset_partition_keys
        folder = self._base_path.joinpath(*context.asset_key.path)
        allow_missing = bool(context.definition_metadata.get("allow_missing_partitions"))
        values = {}
        for key in keys:
            path = folder / (key + self.extension)
            if not path.exists():
                if allow_missing:
                    continue
                raise FileNotFoundError(
                    f"no stored materialization of partition '{key}' of asset "
                    f"'{context.asset_key.to_user_string()}' at {path}: materialize that "
                    "partition first (or set metadata={'allow_missing_partitions': True} on "
                    "the input to leave missing partitions out)"
                )
            values[key] = self.load_from_path(context, path)
        if len(keys) == 1 and values:
            context.add_input_metadata(
                {"path": MetadataValue.path(folder / (keys[0] + self.extension))}
            )
            return values[keys[0]]
        return values


class PickledObjectFilesystemIOManager(UPathIOManager):
    """Pickles each output to a file under ``base_dir``."""

    def __init__(self, base_dir: str | os.PathLike[str] | None = None) -> None:
        super().__init__(base_dir)

    def dump_to_path(self, context: Any, obj: Any, path: Path) -> None:
        try:
            with path.open("wb") as file:
                pickle.dump(obj, file, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError:
            raise
        except Exception as error:  # not picklable: no half-written file stays behind
            path.unlink(missing_ok=True)
            raise OutputNotPicklableError(
                output=str(context.name),
                step_key=str(context.step_key),
                type_name=type(obj).__name__,
                path=str(path),
                error=str(error),
            ) from error

    def load_from_path(self, context: Any, path: Path) -> Any:
        with path.open("rb") as file:
            return pickle.load(file)


@io_manager(
    config_schema={
        "base_dir": Field(
            StringSource,
            is_required=False,
            description="Folder for the files (default: the instance's storage folder).",
        )
    },
    description="Pickles outputs to files, so that another process can load them.",
)
def fs_io_manager(init_context: Any) -> PickledObjectFilesystemIOManager:
    config = init_context.resource_config or {}
    base_dir = config.get("base_dir")
    if base_dir is None:
        instance = init_context.instance
        base_dir = instance.storage_directory() if instance is not None else None
    return PickledObjectFilesystemIOManager(base_dir)
