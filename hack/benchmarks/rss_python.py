# -*- coding: utf-8 -*-
# Copyright: Contributors to the acreto.platform collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Row 4 of make bench: an interpreter for Ansible that runs the module with the real Python, then
appends the peak RSS of that process (KiB, from getrusage of its children) to $BENCH_RSS_FILE."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import resource
import subprocess
import sys


def main():
    code = subprocess.call([os.environ["BENCH_REAL_PYTHON"]] + sys.argv[1:])
    with open(os.environ["BENCH_RSS_FILE"], "a") as out:
        out.write("%d\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    sys.exit(code)


if __name__ == "__main__":
    main()
