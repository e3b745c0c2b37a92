"""The load test's CPU accounting: a browser context's renderer that has exited still counts."""

import subprocess
import sys

from dashboard.tools.load_test import cpu_seconds

# The parent runs a child that burns CPU and exits (as a closed context's renderer does), prints
# the child's CPU time as the child measured it, then waits, still alive, to be measured.
PARENT = """
import subprocess, sys
child = subprocess.run([sys.executable, "-c", '''
import resource
x = 0
for i in range(5_000_000):
    x += i
usage = resource.getrusage(resource.RUSAGE_SELF)
print(usage.ru_utime + usage.ru_stime)
'''], capture_output=True, text=True, check=True)
print(child.stdout.strip(), flush=True)
sys.stdin.readline()
"""


def test_cpu_of_an_exited_and_reaped_child_counts_towards_its_parent():
    parent = subprocess.Popen([sys.executable, "-c", PARENT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        child_cpu_s = float(parent.stdout.readline())
        assert child_cpu_s > 0
        assert cpu_seconds([parent.pid]) >= child_cpu_s
    finally:
        parent.communicate("\n", timeout=30)


def test_a_process_id_that_does_not_exist_counts_nothing():
    assert cpu_seconds([2**22 + 12345]) == 0.0  # above the kernel's largest process id
