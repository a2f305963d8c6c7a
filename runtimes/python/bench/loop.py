# Fixed pure-Python CPU benchmark for runtimes/python/bench.sh.
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def calls(n):
    def add(a, b):
        return a + b

    t = 0
    for i in range(n):
        t = add(t, i & 7)
    return t


s = sum(i * i for i in range(3_000_000))
print(s, fib(22), calls(500_000))
