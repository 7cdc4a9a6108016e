"""Dining philosophers, everyone takes the left fork first: a deadlock.

Philosopher ``i`` sits between fork ``i`` (left) and fork ``(i + 1) % N`` (right). Each
take is one atomic step that waits for the fork to be free; then the philosopher eats
(one step) and puts the right, then the left fork down (one step each), MEALS times.
When all N philosophers hold their left fork, everyone waits for a right fork forever.
"""

N = 3
MEALS = 1

forks: tuple = (-1,) * N  # owner of each fork, -1 while it lies on the table
meals: tuple = (0,) * N


def phil(i):
    global forks, meals
    for m in range(MEALS):
        with atomic():
            wait_until(forks[i] == -1)
            forks[i] = i
        with atomic():
            wait_until(forks[(i + 1) % N] == -1)
            forks[(i + 1) % N] = i
        meals[i] += 1
        forks[(i + 1) % N] = -1
        forks[i] = -1


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
