"""Jobs with user-defined executors; module level, so that worker processes can import them."""

import os

from dagwright import (
    Field,
    InProcessExecutor,
    MultiprocessExecutor,
    executor,
    job,
    op,
)


@executor(config_schema={"size": Field(str, default_value="small")})
def sized(context):
    """Small runs stay in the run's process; large ones get two workers."""
    if context.executor_config["size"] == "large":
        return MultiprocessExecutor(max_concurrent=2)
    return InProcessExecutor()


@executor
def broken(context):
    return "not an executor"


@op
def where() -> int:
    return os.getpid()


@job(executor_def=sized)
def sized_job():
    where()


@job(executor_def=broken)
def broken_job():
    where()


@job(executor_def=sized.configured({"size": "large"}))
def always_large():
    where()
