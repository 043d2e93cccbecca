"""Stand-in for the pip bootstrap script that ansible-test downloads into ~/.ansible/test/cache/.

ansible-test runs it with the arguments of a `pip install` (for example `pip==25.2 --no-setuptools`).
It installs the pip bundled with Python, then lets that pip install the requested versions from the
package index configured on this machine.
"""

import ensurepip
import os
import subprocess
import sys

IGNORED = {"--no-setuptools", "--no-wheel"}


def main():
    # ensurepip points PIP_CONFIG_FILE at /dev/null in os.environ; the pip config holds the index and CA settings.
    environ = dict(os.environ)
    ensurepip.bootstrap(upgrade=True)
    args = [arg for arg in sys.argv[1:] if arg not in IGNORED]
    sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args, env=environ))


if __name__ == "__main__":
    main()
