# args: verify {} -q
# exit: 0
# stdout: HOLDS
x: int = 0


def w():
    global x
    if x < 1:
        if x < 2:
            if x < 3:
                if x < 4:
                    if x < 5:
                        if x < 6:
                            if x < 7:
                                if x < 8:
                                    if x < 9:
                                        if x < 10:
                                            if x < 11:
                                                if x < 12:
                                                    if x < 13:
                                                        if x < 14:
                                                            if x < 15:
                                                                if x < 16:
                                                                    if x < 17:
                                                                        if x < 18:
                                                                            if x < 19:
                                                                                if x < 20:
                                                                                    if x < 21:
                                                                                        if x < 22:
                                                                                            if x < 23:
                                                                                                if x < 24:
                                                                                                    if x < 25:
                                                                                                        if x < 26:
                                                                                                            if x < 27:
                                                                                                                if x < 28:
                                                                                                                    if x < 29:
                                                                                                                        if x < 30:
                                                                                                                            if x < 31:
                                                                                                                                if x < 32:
                                                                                                                                    if x < 33:
                                                                                                                                        if x < 34:
                                                                                                                                            if x < 35:
                                                                                                                                                if x < 36:
                                                                                                                                                    if x < 37:
                                                                                                                                                        if x < 38:
                                                                                                                                                            if x < 39:
                                                                                                                                                                if x < 40:
                                                                                                                                                                    if x < 41:
                                                                                                                                                                        if x < 42:
                                                                                                                                                                            if x < 43:
                                                                                                                                                                                if x < 44:
                                                                                                                                                                                    if x < 45:
                                                                                                                                                                                        if x < 46:
                                                                                                                                                                                            if x < 47:
                                                                                                                                                                                                if x < 48:
                                                                                                                                                                                                    if x < 49:
                                                                                                                                                                                                        if x < 50:
                                                                                                                                                                                                            if x < 51:
                                                                                                                                                                                                                if x < 52:
                                                                                                                                                                                                                    if x < 53:
                                                                                                                                                                                                                        if x < 54:
                                                                                                                                                                                                                            if x < 55:
                                                                                                                                                                                                                                if x < 56:
                                                                                                                                                                                                                                    if x < 57:
                                                                                                                                                                                                                                        if x < 58:
                                                                                                                                                                                                                                            if x < 59:
                                                                                                                                                                                                                                                if x < 60:
                                                                                                                                                                                                                                                    if x < 61:
                                                                                                                                                                                                                                                        if x < 62:
                                                                                                                                                                                                                                                            if x < 63:
                                                                                                                                                                                                                                                                if x < 64:
                                                                                                                                                                                                                                                                    if x < 65:
                                                                                                                                                                                                                                                                        if x < 66:
                                                                                                                                                                                                                                                                            if x < 67:
                                                                                                                                                                                                                                                                                if x < 68:
                                                                                                                                                                                                                                                                                    if x < 69:
                                                                                                                                                                                                                                                                                        if x < 70:
                                                                                                                                                                                                                                                                                            if x < 71:
                                                                                                                                                                                                                                                                                                if x < 72:
                                                                                                                                                                                                                                                                                                    if x < 73:
                                                                                                                                                                                                                                                                                                        if x < 74:
                                                                                                                                                                                                                                                                                                            if x < 75:
                                                                                                                                                                                                                                                                                                                if x < 76:
                                                                                                                                                                                                                                                                                                                    if x < 77:
                                                                                                                                                                                                                                                                                                                        if x < 78:
                                                                                                                                                                                                                                                                                                                            if x < 79:
                                                                                                                                                                                                                                                                                                                                if x < 80:
                                                                                                                                                                                                                                                                                                                                    if x < 81:
                                                                                                                                                                                                                                                                                                                                        if x < 82:
                                                                                                                                                                                                                                                                                                                                            if x < 83:
                                                                                                                                                                                                                                                                                                                                                if x < 84:
                                                                                                                                                                                                                                                                                                                                                    if x < 85:
                                                                                                                                                                                                                                                                                                                                                        if x < 86:
                                                                                                                                                                                                                                                                                                                                                            if x < 87:
                                                                                                                                                                                                                                                                                                                                                                if x < 88:
                                                                                                                                                                                                                                                                                                                                                                    if x < 89:
                                                                                                                                                                                                                                                                                                                                                                        if x < 90:
                                                                                                                                                                                                                                                                                                                                                                            if x < 91:
                                                                                                                                                                                                                                                                                                                                                                                if x < 92:
                                                                                                                                                                                                                                                                                                                                                                                    if x < 93:
                                                                                                                                                                                                                                                                                                                                                                                        if x < 94:
                                                                                                                                                                                                                                                                                                                                                                                            if x < 95:
                                                                                                                                                                                                                                                                                                                                                                                                x = 1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1+1
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


def init():
    spawn(w)
