"""Dining philosophers, everyone takes the lower-numbered fork first: no deadlock.

Philosopher ``i`` needs forks ``i`` and ``(i + 1) % N``; it takes the lower-numbered one
first (so the last philosopher takes fork 0 before fork N - 1). The global fork order
breaks the cycle of waits. Each take is one atomic step that waits for the fork to be
free; then the philosopher eats (one step) and puts the second, then the first fork
down (one step each), MEALS times.
"""

N = 3
MEALS = 1

forks: tuple = (-1,) * N  # owner of each fork, -1 while it lies on the table
meals: tuple = (0,) * N


@pure
def first_fork(i):
    return min(i, (i + 1) % N)


@pure
def second_fork(i):
    return max(i, (i + 1) % N)


def phil(i):
    global forks, meals
    for m in range(MEALS):
        with atomic():
            wait_until(forks[first_fork(i)] == -1)
            forks[first_fork(i)] = i
        with atomic():
            wait_until(forks[second_fork(i)] == -1)
            forks[second_fork(i)] = i
        meals[i] += 1
        forks[second_fork(i)] = -1
        forks[first_fork(i)] = -1


def init():
    for i in range(N):
        spawn(phil, i, name=f"phil{i}")


@invariant
def forks_held_by_neighbours():
    """a fork is held by a philosopher who does not sit next to it"""
    return all(forks[f] in (-1, f, (f - 1) % N) for f in range(N))


@final
def everyone_ate():
    """a philosopher returned without eating all its meals"""
    return all(m == MEALS for m in meals)
