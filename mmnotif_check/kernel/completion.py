"""struct completion: complete / complete_all / wait_for_completion (kernel/sched/completion.c).

``done`` counts completions not yet consumed; ``complete_all`` makes every present and
future waiter pass (``all`` stays set until ``reinit_completion``).
"""


class Completion:
    done: int = 0
    all: bool = False


def complete(c):
    with atomic():
        c.done += 1


def complete_all(c):
    with atomic():
        c.all = True


def wait_for_completion(c):
    with atomic():
        wait_until(c.all or c.done > 0)
        if not c.all:
            c.done -= 1


def try_wait_for_completion(c):
    with atomic():
        ok = c.all or c.done > 0
        if ok and not c.all:
            c.done -= 1
    return ok


@pure
def completion_done(c):
    return c.all or c.done > 0


def reinit_completion(c):
    with atomic():
        c.done = 0
        c.all = False
