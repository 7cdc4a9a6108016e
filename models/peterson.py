"""Peterson's mutual exclusion for two threads, ROUNDS critical sections each."""

ROUNDS = 2

flag: tuple = (False, False)
turn: int = 0
in_cs: int = 0


def worker(i):
    for r in range(ROUNDS):
        global flag, turn, in_cs
        flag[i] = True
        turn = 1 - i
        wait_until(not flag[1 - i] or turn == i)
        in_cs += 1
        in_cs -= 1
        flag[i] = False


def init():
    spawn(worker, 0, name="p0")
    spawn(worker, 1, name="p1")


@invariant
def mutual_exclusion():
    """at most one thread is in its critical section"""
    return in_cs <= 1
