"""The pinned image as the host sees it, without docker-py: where it keeps things, its user.

docker/Dockerfile builds it so: the user and the lock are build arguments from here, and the
paths are where it copies the package and where a run mounts its output and data.
"""

INNER_REPRODUCE = "/opt/cudnn-repro/reproduce.py"
INNER_OUT = "/results"
INNER_IMDB = "/data/imdb.npz"
IMAGE_UID = 1000  # the image's own unprivileged user
# Each variant's lock under requirements/ (the Makefile's LOCK_cpu and LOCK_gpu; a test ties them).
LOCKS = {"cpu": "runtime.lock", "gpu": "gpu.lock"}
