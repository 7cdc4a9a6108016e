# args: verify {} -q
# exit: 2
# stderr: {}:204:5: error: statements nested too deeply (more than 100 levels; each elif is one): split the function
def w():
    n = 0
    if n == 0:
        pass
    elif n == 1:
        pass
    elif n == 2:
        pass
    elif n == 3:
        pass
    elif n == 4:
        pass
    elif n == 5:
        pass
    elif n == 6:
        pass
    elif n == 7:
        pass
    elif n == 8:
        pass
    elif n == 9:
        pass
    elif n == 10:
        pass
    elif n == 11:
        pass
    elif n == 12:
        pass
    elif n == 13:
        pass
    elif n == 14:
        pass
    elif n == 15:
        pass
    elif n == 16:
        pass
    elif n == 17:
        pass
    elif n == 18:
        pass
    elif n == 19:
        pass
    elif n == 20:
        pass
    elif n == 21:
        pass
    elif n == 22:
        pass
    elif n == 23:
        pass
    elif n == 24:
        pass
    elif n == 25:
        pass
    elif n == 26:
        pass
    elif n == 27:
        pass
    elif n == 28:
        pass
    elif n == 29:
        pass
    elif n == 30:
        pass
    elif n == 31:
        pass
    elif n == 32:
        pass
    elif n == 33:
        pass
    elif n == 34:
        pass
    elif n == 35:
        pass
    elif n == 36:
        pass
    elif n == 37:
        pass
    elif n == 38:
        pass
    elif n == 39:
        pass
    elif n == 40:
        pass
    elif n == 41:
        pass
    elif n == 42:
        pass
    elif n == 43:
        pass
    elif n == 44:
        pass
    elif n == 45:
        pass
    elif n == 46:
        pass
    elif n == 47:
        pass
    elif n == 48:
        pass
    elif n == 49:
        pass
    elif n == 50:
        pass
    elif n == 51:
        pass
    elif n == 52:
        pass
    elif n == 53:
        pass
    elif n == 54:
        pass
    elif n == 55:
        pass
    elif n == 56:
        pass
    elif n == 57:
        pass
    elif n == 58:
        pass
    elif n == 59:
        pass
    elif n == 60:
        pass
    elif n == 61:
        pass
    elif n == 62:
        pass
    elif n == 63:
        pass
    elif n == 64:
        pass
    elif n == 65:
        pass
    elif n == 66:
        pass
    elif n == 67:
        pass
    elif n == 68:
        pass
    elif n == 69:
        pass
    elif n == 70:
        pass
    elif n == 71:
        pass
    elif n == 72:
        pass
    elif n == 73:
        pass
    elif n == 74:
        pass
    elif n == 75:
        pass
    elif n == 76:
        pass
    elif n == 77:
        pass
    elif n == 78:
        pass
    elif n == 79:
        pass
    elif n == 80:
        pass
    elif n == 81:
        pass
    elif n == 82:
        pass
    elif n == 83:
        pass
    elif n == 84:
        pass
    elif n == 85:
        pass
    elif n == 86:
        pass
    elif n == 87:
        pass
    elif n == 88:
        pass
    elif n == 89:
        pass
    elif n == 90:
        pass
    elif n == 91:
        pass
    elif n == 92:
        pass
    elif n == 93:
        pass
    elif n == 94:
        pass
    elif n == 95:
        pass
    elif n == 96:
        pass
    elif n == 97:
        pass
    elif n == 98:
        pass
    elif n == 99:
        pass
    elif n == 100:
        pass
    elif n == 101:
        pass
    elif n == 102:
        pass
    elif n == 103:
        pass
    elif n == 104:
        pass
    elif n == 105:
        pass
    elif n == 106:
        pass
    elif n == 107:
        pass
    elif n == 108:
        pass
    elif n == 109:
        pass


def init():
    pass
