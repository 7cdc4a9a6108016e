"""A bounded FIFO queue between one producer and one consumer.

The producer puts the items 0, 1, ..., ITEMS - 1 in order; a put is one atomic step that
waits while the queue holds CAP items. The consumer loops while it has consumed fewer
than ITEMS items; a take is one atomic step that waits while the queue is empty and
removes the head into the local ``got``; recording ``got`` in ``consumed`` is a step of
its own.
"""

CAP = 2
ITEMS = 3

queue: tuple = ()
consumed: tuple = ()


def producer():
    global queue
    for item in range(ITEMS):
        with atomic():
            wait_until(len(queue) < CAP)
            queue = append(queue, item)


def consumer():
    global queue, consumed
    while len(consumed) < ITEMS:
        with atomic():
            wait_until(len(queue) > 0)
            got = queue[0]
            queue = queue[1:]
        consumed = append(consumed, got)


def init():
    spawn(producer, name="producer")
    spawn(consumer, name="consumer")


@invariant
def bounded():
    """the queue holds more than CAP items"""
    return len(queue) <= CAP


@invariant
def in_order():
    """items were consumed out of order (or the queue is out of order)"""
    return consumed == tuple(range(len(consumed))) and all(
        queue[k] + 1 == queue[k + 1] for k in range(len(queue) - 1)
    )


@final
def all_consumed():
    """the threads finished but not every item was consumed"""
    return consumed == tuple(range(ITEMS)) and queue == ()
