#!/usr/bin/python3
# A hand-written SimPy (2.x, Debian's python3-simpy) model of the hot key,
# for comparing speeds (docs/performance.md): hit path and misses:
# Poisson arrivals, one GET round trip, a miss queries a database with
# a fixed number of cores; measures simulated requests per second of CPU
# time (what stampede bench reports) and of wall time.
import random, time
from SimPy.Simulation import Process, Resource, hold, request, release, initialize, activate, simulate, now

RATE, TTL, RTT, WORK = 5000.0, 10.0, 0.0005, 0.005
cache = {"expires": TTL}
done = [0]

class Request(Process):
    def run(self, db):
        yield hold, self, random.expovariate(1 / RTT)
        if now() < cache["expires"]:
            done[0] += 1
            return
        yield request, self, db
        yield hold, self, random.lognormvariate(-5.3, 0.3)
        yield release, self, db
        yield hold, self, random.expovariate(1 / RTT)
        cache["expires"] = now() + TTL
        done[0] += 1

class Source(Process):
    def run(self, db):
        while True:
            yield hold, self, random.expovariate(RATE)
            r = Request()
            activate(r, r.run(db))

random.seed(1)
initialize()
db = Resource(capacity=8)
s = Source()
activate(s, s.run(db))
start, cpu = time.time(), time.process_time()
simulate(until=20.0)
wall, cpu = time.time() - start, time.process_time() - cpu
print("%d requests in %.2f s of CPU (%.2f s of wall): %.0f requests per CPU "
      "second, %.0f per wall second" % (done[0], cpu, wall, done[0] / cpu,
                                        done[0] / wall))
