"""The first op-based job of the spec (``spec/jobs.txt``), with dagwright's import line."""

from dagwright import job, op


@op
def return_five():
    return 5


@op
def add_one(arg):
    return arg + 1


@job
def do_stuff():
    add_one(return_five())


if __name__ == "__main__":
    result = do_stuff.execute_in_process()
    print(f"do_stuff: success={result.success}, add_one -> {result.output_for_node('add_one')}")
    for event in result.all_events:
        print(f"  {event.event_type_value:<15} {event.step_key or '':<12} {event.message}")
