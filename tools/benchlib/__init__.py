"""tools/bench's parts, one job a module; tools/bench itself parses the options and runs them in order."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def log(msg):
    print(msg, file=sys.stderr, flush=True)
