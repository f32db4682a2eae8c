import time
from tests.support.kill_matrix import reference, killed_and_resumed
t=time.monotonic()
r = reference(85)
print("ref", r.score, r.status, r.steps, r.passed, time.monotonic()-t)
t=time.monotonic()
k = killed_and_resumed(85, kill="tool-after:4")
print("killed", k.killed, k.score, k.status, k.steps, time.monotonic()-t, k.same_as(r))
if not k.same_as(r):
    for table in r.database:
        if r.database[table] != k.database.get(table): print("diff", table, [x for x in k.database[table] if x not in r.database[table]][:3], [x for x in r.database[table] if x not in k.database[table]][:3])
