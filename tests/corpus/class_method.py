# args: verify {} -q
# exit: 2
# stderr: {}:7:5: error: class 'S': methods are not part of the model language (classes are plain structs; write a procedure taking the object)
class S:
    v: int = 0

    def m(self):
        pass


def init():
    pass
