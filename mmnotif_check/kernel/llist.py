"""The lockless list (include/linux/llist.h) as an immutable tuple, newest first."""


class LList:
    items: tuple = ()


def llist_add(head, node):
    with atomic():
        head.items = (node,) + head.items


def llist_del_all(head):
    with atomic():
        items = head.items
        head.items = ()
    return items


@pure
def llist_reverse_order(items):
    return tuple(reversed(items))
