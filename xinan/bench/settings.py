"""Settings for ``make bench``'s server: the product's settings plus ``/bench/trivial`` (the
trivial-view ceiling of the load test). Never used outside the benchmarks."""

from xinan.settings import *  # noqa: F401,F403

ROOT_URLCONF = "xinan.bench.urls"
