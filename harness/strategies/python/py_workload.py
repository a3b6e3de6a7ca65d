"""--py-workload MODULE:FUNCTION: the user's Python function as the Python version of the
run's workload, for the py-* strategies.

FUNCTION(task, size) returns an integer, the task's checksum: reduced mod 2**64 and folded
as every task's checksum is, so that a function that computes what the C task computes gives
seq's checksum.  MODULE is a module imported from the current directory (the user's, where
`parbench run` started) or PYTHONPATH, or a file, FILE.py.  load() is called by cell.py
before the timed region, and by `parbench run` once before the run (cell.py --check), in the
same interpreter, so that what the check accepts the cells find.
"""
import importlib
import importlib.util
import numbers
import os
import sys

from sample import describe
from workloads import MASK

HERE = os.path.dirname(os.path.abspath(__file__))
# parbench's own modules: a user's module of the same name would be shadowed by them.
OWN_DIRS = {HERE, os.path.realpath(os.path.join(HERE, "..", "..", "..", "benchmarks", "python"))}


def import_file(path):
    """FILE.py as a module named after it, with its directory on sys.path for its imports,
    as `python FILE.py` would have it."""
    path = os.path.abspath(path)
    name = os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        raise ImportError("cannot import %s" % path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, os.path.dirname(path))
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


def import_module(name):
    """MODULE from the current directory or PYTHONPATH, as `python -m` finds it."""
    sys.path.insert(0, os.getcwd())
    module = importlib.import_module(name)
    where = os.path.dirname(os.path.realpath(getattr(module, "__file__", None) or "."))
    if where in OWN_DIRS:
        raise ImportError("%s is a module of parbench's own; name its file instead: "
                          "./%s.py:FUNCTION" % (name, name.replace(".", "/")))
    return module


def find_function(spec):
    """The callable that spec names; an exception that says why when there is none."""
    source, _, name = spec.rpartition(":")
    module = import_file(source) if source.endswith(".py") else import_module(source)
    function = module
    for attribute in name.split("."):
        if not hasattr(function, attribute):
            raise AttributeError("%s has no %s" % (getattr(module, "__file__", None) or source,
                                                   name))
        function = getattr(function, attribute)
    if not callable(function):
        raise TypeError("%s is not callable (%s)" % (name, type(function).__name__))
    return function


class Exited(Exception):
    """sys.exit() or KeyboardInterrupt in the user's function: an error of the task, not the
    end of a pool's worker process (whose lost task would leave Pool.map waiting)."""


def load(spec):
    """The task function (job, task) -> checksum that calls spec's FUNCTION(task, size)."""
    function = find_function(spec)

    def task(job, number):
        try:
            result = function(number, job.size)
        except (SystemExit, KeyboardInterrupt) as e:
            raise Exited("%s raised %s" % (spec, describe(e))) from None
        if isinstance(result, bool) or not isinstance(result, numbers.Integral):
            raise TypeError("%s(%d, %d) returned %s, not an int" % (
                spec, number, job.size, type(result).__name__))
        return int(result) & MASK

    return task


def check(spec):
    """cell.py --check SPEC: exits 0 when spec names a function, else 1 with the reason on
    stderr, one line; what the module prints as it is imported goes nowhere."""
    reason = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    try:
        find_function(spec)
    except BaseException as e:          # SystemExit at import, too
        os.write(reason, (" ".join(describe(e).split()) + "\n").encode())
        os._exit(1)
    os._exit(0)
