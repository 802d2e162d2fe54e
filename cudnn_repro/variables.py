"""The environment variables that carry a launcher's knowledge into the workload, each named once.

The host (container.py) and a Slurm task (sweep.py) set them; the workload (data.py,
environment.py) reads them, and the summary reads the runtime back from a results file.
"""

IMDB_ENV = "CUDNN_REPRO_IMDB"  # the imdb.npz to use, as --imdb-path
OFFLINE_ENV = "CUDNN_REPRO_OFFLINE"  # "1": never download (the host already looked)
RUNTIME_ENV = "CUDNN_REPRO_RUNTIME"  # the runtime a Slurm task chose: venv, apptainer, pyxis, docker
# What only the host knows about a containerised run: the image, the checkout, the command.
IMAGE_ID_ENV = "CUDNN_REPRO_IMAGE_ID"
IMAGE_DIGEST_ENV = "CUDNN_REPRO_IMAGE_DIGEST"
IMAGE_BASE_ENV = "CUDNN_REPRO_IMAGE_BASE"  # the base the image was built on (its label)
IMAGE_BASE_PINNED_ENV = "CUDNN_REPRO_IMAGE_BASE_PINNED"  # "1": the Dockerfile's pinned base; "0": a stand-in
GIT_COMMIT_ENV = "CUDNN_REPRO_GIT_COMMIT"
GIT_DIRTY_ENV = "CUDNN_REPRO_GIT_DIRTY"
HOST_COMMAND_ENV = "CUDNN_REPRO_HOST_COMMAND"
# "make" when the Makefile runs the command: advice then names make's variables (OUT=, ARGS=).
CALLER_ENV = "CUDNN_REPRO_CALLER"
# A stacks.json of more stacks and frameworks, merged over the package's (registry.py).
STACKS_ENV = "CUDNN_REPRO_STACKS"
