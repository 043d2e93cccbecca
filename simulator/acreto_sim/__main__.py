import sys

from acreto_sim.cli import main

sys.exit(main())
